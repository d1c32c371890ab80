# Public pages for families: hobbies, calendars, places, wishes (issue 7)

nav-families = För familjer
families-title = För familjer
families-intro = Hobbyer, evenemang, mötesplatser och rätt kontakt när du behöver hjälp.
families-hobbies = Hitta en hobby efter ålder, dag, område och pris.
families-calendar = Områdenas evenemang och återkommande verksamhet månad för månad.
families-places = Familjecenter och mötesplatser: var, när de är öppna, vad som händer där.
families-paths = Orolig? Här hittar du rätt kontakt.
families-wish = Berätta vad du skulle vilja göra.
families-by-area = Ditt områdes kalender

hobbies-title = Hobbyskattkistan
hobbies-intro = Klubbar och hobbyer för barn och unga. Många är avgiftsfria.
hobbies-search = Sök hobbyer
hobbies-found =
    { $count ->
        [one] { $count } hobby
       *[other] { $count } hobbyer
    }
hobbies-none = Inga hobbyer motsvarar sökningen. Pröva en bredare sökning.
hobbies-wish = Hittade du inget? Berätta vad du önskar.

filter-area = Område
filter-all-areas = Alla områden
filter-age = Ålder (år)
filter-day = Veckodag
filter-any-day = Vilken dag som helst
filter-type = Gren
filter-any-type = Alla grenar
filter-free = Bara avgiftsfria
filter-kind = Typ av verksamhet
filter-any-kind = Alla
err-filter-value = '{ $value }' är inte ett av alternativen.

pager = Sidor
pager-prev = Föregående sida
pager-next = Nästa sida
pager-page = Sida

activity-kind-hobby = Hobby
activity-kind-event = Evenemang
activity-kind-group = Öppen grupp
activity-kind-visit = Mobil tjänst
category-art = Bildkonst
category-music = Musik
category-culture = Kultur
category-sports = Idrott
category-nature = Natur
category-technology = Teknik
category-games = Spel
category-crafts = Hantverk
category-family = Familjer
category-support = Stöd och rådgivning
category-other = Annat
activity-status-pending = Väntar på godkännande
activity-status-published = Publicerad
activity-status-withdrawn = Dold

activity-when = När
activity-where = Var
activity-ages = Ålder
activity-all-ages = För alla åldrar
activity-price = Pris
activity-free = Avgiftsfri
activity-signup = Anmälan
activity-languages = Språk
activity-equipment = Utrustning
activity-equipment-lent = Utrustning lånas ut
activity-equipment-own = Egen utrustning
activity-organiser = Arrangör
activity-info-url = Mer information
activity-season = Säsong
activity-upcoming = Nästa gånger
activity-no-upcoming = Inga kommande gånger under de två närmaste månaderna.
activity-cancelled = Inställt
activity-add-to-calendar = Lägg till i egen kalender (.ics)
activity-edit = Redigera
activity-new = Ny verksamhet
content-fallback = En del av uppgifterna finns bara på finska.

calendar-title = Verksamhetskalender
calendar-filter = Avgränsa kalendern
calendar-months = Månader
calendar-prev = Föregående månad
calendar-next = Nästa månad
calendar-month-view = Månadsvy
calendar-list-view = Lista
calendar-feed = Prenumerera på kalendern (.ics)
calendar-feed-search = Prenumerera på den här sökningens kalender (.ics)
calendar-empty = Ingen verksamhet under den här tiden.
calendar-truncated = Kalendern visar de 1000 första. Avgränsa sökningen för att se alla.
weekday-short-1 = mån
weekday-short-2 = tis
weekday-short-3 = ons
weekday-short-4 = tor
weekday-short-5 = fre
weekday-short-6 = lör
weekday-short-7 = sön

places-title = Mötesplatser och familjecenter
places-intro = Platser dit man kan komma: när de är öppna, vad som händer där och hur man tar sig dit.
places-filter = Avgränsa platser
places-kind = Typ av plats
places-any-kind = Alla platser
places-found =
    { $count ->
        [one] { $count } plats
       *[other] { $count } platser
    }
place-kind-meeting_place = Mötesplats
place-kind-family_centre = Familjecenter
place-kind-youth_centre = Ungdomslokal
place-kind-library = Bibliotek
place-kind-school = Skola
place-kind-sports_venue = Idrottsplats
place-kind-outdoors = Utomhus
place-kind-other = Annan plats
place-address = Adress
place-hours = Öppettider
place-what = Vad som händer där
place-directions = Hur man tar sig dit
place-access = Tillgänglighet
place-runner = Upprätthålls av
place-upcoming = De närmaste två veckorna
place-calendar = Platsens kalender

paths-worried = Orolig? Börja här.
guidance-public-title = Rådgivning i familjesocialarbete
guidance-public-intro = Om du inte vet vem du ska kontakta, ring. Du får hjälp vidare.
guidance-emergency = I nödsituationer ring 112.
guidance-title = Rådgivningsnummer för familjesocialarbete
guidance-intro = Numret visas på sidorna Var får man hjälp?.
guidance-phone = Telefonnummer
guidance-hours = Telefontider
guidance-guidance-phone = Telefonnummer
guidance-guidance-hours = Telefontider

wish-title = Vad skulle du vilja göra?
wish-intro = Berätta för oss vad du skulle vilja göra på fritiden. Du behöver inga koder och vi frågar inte ditt namn.
wish-what = Vad skulle du vilja göra?
wish-age = Hur gammal är du?
wish-area = I vilket område bor du?
wish-area-none = Jag vill inte säga
wish-text = Berätta med egna ord (frivilligt)
wish-text-hint = Skriv inga namn, telefonnummer eller adresser.
wish-send = Skicka önskan
wish-thanks = Tack! Din önskan har tagits emot och hjälper oss att planera hobbyer.
wish-category-art = Rita och måla
wish-category-music = Spela eller sjunga
wish-category-culture = Teater, dans eller cirkus
wish-category-sports = Idrotta och röra på mig
wish-category-nature = Vandra i naturen
wish-category-technology = Koda eller bygga
wish-category-games = Spela spel
wish-category-crafts = Göra hantverk
wish-category-family = Göra något med familjen
wish-category-support = Få stöd
wish-category-other = Något annat
age-group-under_7 = under 7
age-group-7_12 = 7–12
age-group-13_17 = 13–17
age-group-18_29 = 18–29
age-group-adult = vuxen
wish-field-categories = Vad skulle du vilja göra
wish-field-age-group = Ålder
wish-field-area = Område
wish-field-text = Med egna ord

wishes-title = Barns och ungas önskemål
wishes-intro = Önskemålen kommer anonymt från formuläret Vad skulle du vilja göra?.
wishes-form-link = Öppna formuläret
wishes-none = Inga önskemål ännu.
wishes-count =
    { $count ->
        [one] { $count } önskemål
       *[other] { $count } önskemål
    }
wishes-suppressed = Färre än fem önskemål: fördelningen visas inte.
wishes-by-type = Önskemål per gren
wishes-by-age = Önskemål per åldersgrupp
wishes-n = Antal
wishes-own-words = Med egna ord

manage-title = Verksamheter och godkännanden
manage-intro = Arrangörer lägger till och uppdaterar sin egen verksamhet; områdets godkännare publicerar den. Bara publicerade syns för familjer.
manage-caption = Verksamhet som du arrangerar eller godkänner
manage-none = Ingen verksamhet.
manage-saved = Sparat.
manage-status = Status
manage-actions = Åtgärder
manage-publish = Publicera
manage-withdraw = Dölj

activity-form-organiser = Sparad verksamhet väntar på områdets godkännande innan den syns för familjer.
activity-form-approver = Som godkännare kan du publicera verksamheten direkt.
activity-kind = Typ
activity-category = Gren
activity-name = Namn
activity-description = Beskrivning
activity-area = Område
activity-place = Plats
activity-place-other = Annan plats (skriv nedan)
activity-location = Plats med ord
activity-min-age = Lägsta ålder
activity-max-age = Högsta ålder
activity-is-free = Avgiftsfri
activity-weekly = Veckotider
activity-season-start = Säsongen börjar
activity-season-end = Säsongen slutar
activity-weekday = Veckodag
activity-starts = Börjar
activity-ends = Slutar
activity-dated = Daterade gånger
activity-on = Dag
activity-ends-on = Slutdag
activity-cancellations = Inställda gånger
activity-cancelled-on = Inställd dag
activity-note = Orsak
activity-publish = Publicera
activity-keywords = Nyckelord
activity-slots = Veckotid
activity-dates = Daterad gång
activity-times = Tider
activity-source-id = Källans identifierare
activity-provider = Arrangörens namn

err-age = En ålder är ett heltal 0–120 ('{ $value }').
err-age-order = Högsta ålder ({ $max }) är minst lägsta ålder ({ $min }).
err-price-free = Avgiftsfri verksamhet har inget pris: ta bort priset eller avgiftsfri-valet.
err-price-missing = Ange priset eller markera verksamheten som avgiftsfri.
err-no-times = Ange minst en veckotid eller ett datum.
err-too-many-times = Högst { $max } tider per verksamhet.
err-season-missing = Veckotider behöver en säsong (första och sista dag).
err-season-order = Säsongen slutar efter att den börjat.
err-season-long = En säsong eller gång är högst ungefär ett år ({ $max } dagar).
err-activity-ends-before-start = Verksamheten slutar efter att den börjat.
err-area-level = '{ $value }' är inte ett område, ett servicekluster eller en enhet i dem.
err-place-missing = Platsen '{ $value }' finns inte.

# Holidays and breaks of weekly activities
activity-no-session = Ingen träff
breaks-title = Lov: ingen veckoverksamhet
breaks-intro = Hobbyer och grupper som träffas varje vecka träffas inte dessa dagar (till exempel skolornas höst-, jul- och sportlov). Helgdagarna är redan beaktade.
breaks-none = Inga lov har lagts till.
breaks-caption = Lov utan veckoverksamhet
breaks-add = Lägg till lov
breaks-remove = Ta bort
break-name = Namn
break-first = Första dagen
break-last = Sista dagen
err-break-order = Den sista dagen är före den första.
err-break-long = Ett lov är högst cirka fyra månader.
holiday-new-year = Nyårsdagen
holiday-epiphany = Trettondagen
holiday-good-friday = Långfredagen
holiday-easter-sunday = Påskdagen
holiday-easter-monday = Annandag påsk
holiday-may-day = Första maj
holiday-ascension = Kristi himmelsfärdsdag
holiday-whitsun = Pingstdagen
holiday-midsummer-eve = Midsommarafton
holiday-midsummer-day = Midsommardagen
holiday-all-saints = Alla helgons dag
holiday-independence-day = Självständighetsdagen
holiday-christmas-eve = Julafton
holiday-christmas-day = Juldagen
holiday-boxing-day = Annandag jul
holiday-new-years-eve = Nyårsafton
