# Public pages for families: hobbies, calendars, places, wishes (issue 7)

nav-families = Perheille
families-title = Perheille
families-intro = Harrastuksia, tapahtumia, kohtaamispaikkoja ja oikea yhteys, kun tarvitset apua.
families-hobbies = Etsi harrastus iän, päivän, alueen ja hinnan mukaan.
families-calendar = Alueiden tapahtumat ja toistuvat toiminnat kuukausittain.
families-places = Perhekeskukset ja kohtaamispaikat: missä, milloin auki, mitä siellä tapahtuu.
families-paths = Huolissasi? Tästä löydät oikean yhteyden.
families-wish = Kerro, mitä haluaisit tehdä.
families-by-area = Oman alueen kalenteri

hobbies-title = Harrastamisen aarrearkku
hobbies-intro = Kerhoja ja harrastuksia lapsille ja nuorille. Monet ovat maksuttomia.
hobbies-search = Hae harrastuksia
hobbies-found =
    { $count ->
        [one] { $count } harrastus
       *[other] { $count } harrastusta
    }
hobbies-none = Hakuasi vastaavia harrastuksia ei löytynyt. Kokeile väljempää hakua.
hobbies-wish = Etkö löytänyt sopivaa? Kerro toiveesi.

filter-area = Alue
filter-all-areas = Kaikki alueet
filter-age = Ikä (vuotta)
filter-day = Viikonpäivä
filter-any-day = Mikä tahansa päivä
filter-type = Laji
filter-any-type = Kaikki lajit
filter-free = Vain maksuttomat
filter-kind = Toiminnan tyyppi
filter-any-kind = Kaikki
err-filter-value = '{ $value }' ei ole yksi vaihtoehdoista.

pager = Sivut
pager-prev = Edellinen sivu
pager-next = Seuraava sivu
pager-page = Sivu

activity-kind-hobby = Harrastus
activity-kind-event = Tapahtuma
activity-kind-group = Avoin ryhmä
activity-kind-visit = Liikkuva palvelu
category-art = Kuvataide
category-music = Musiikki
category-culture = Kulttuuri
category-sports = Liikunta
category-nature = Luonto
category-technology = Tekniikka
category-games = Pelit
category-crafts = Käsityöt
category-family = Perheet
category-support = Tuki ja neuvonta
category-other = Muu
activity-status-pending = Odottaa hyväksyntää
activity-status-published = Julkaistu
activity-status-withdrawn = Poistettu näkyvistä

activity-when = Milloin
activity-where = Missä
activity-ages = Ikä
activity-all-ages = Kaikenikäisille
activity-price = Hinta
activity-free = Maksuton
activity-signup = Ilmoittautuminen
activity-languages = Kielet
activity-equipment = Välineet
activity-equipment-lent = Välineitä lainataan
activity-equipment-own = Omat välineet
activity-organiser = Järjestäjä
activity-info-url = Lisätietoa
activity-season = Kausi
activity-upcoming = Seuraavat kerrat
activity-no-upcoming = Ei tulevia kertoja seuraavan kahden kuukauden aikana.
activity-cancelled = Peruttu
activity-add-to-calendar = Lisää omaan kalenteriin (.ics)
activity-edit = Muokkaa
activity-new = Uusi toiminta
content-fallback = Osa tiedoista on vain suomeksi.

calendar-title = Toimintakalenteri
calendar-filter = Rajaa kalenteria
calendar-months = Kuukaudet
calendar-prev = Edellinen kuukausi
calendar-next = Seuraava kuukausi
calendar-month-view = Kuukausinäkymä
calendar-list-view = Luettelo
calendar-feed = Tilaa kalenteri (.ics)
calendar-feed-search = Tilaa tämän haun kalenteri (.ics)
calendar-empty = Ei toimintaa tällä aikavälillä.
calendar-truncated = Kalenterissa näytetään 1000 ensimmäistä toimintaa. Rajaa hakua nähdäksesi kaikki.
weekday-short-1 = ma
weekday-short-2 = ti
weekday-short-3 = ke
weekday-short-4 = to
weekday-short-5 = pe
weekday-short-6 = la
weekday-short-7 = su

places-title = Kohtaamispaikat ja perhekeskukset
places-intro = Paikat, joihin voi tulla: milloin ne ovat auki, mitä siellä tapahtuu ja miten sinne pääsee.
places-filter = Rajaa paikkoja
places-kind = Paikan tyyppi
places-any-kind = Kaikki paikat
places-found =
    { $count ->
        [one] { $count } paikka
       *[other] { $count } paikkaa
    }
place-kind-meeting_place = Kohtaamispaikka
place-kind-family_centre = Perhekeskus
place-kind-youth_centre = Nuorisotila
place-kind-library = Kirjasto
place-kind-school = Koulu
place-kind-sports_venue = Liikuntapaikka
place-kind-outdoors = Ulkona
place-kind-other = Muu paikka
place-address = Osoite
place-hours = Aukioloajat
place-what = Mitä siellä tapahtuu
place-directions = Miten sinne pääsee
place-access = Esteettömyys
place-runner = Ylläpitäjä
place-upcoming = Tulevat kaksi viikkoa
place-calendar = Paikan kalenteri

paths-worried = Huolissasi? Aloita tästä.
guidance-public-title = Perhesosiaalityön neuvonta
guidance-public-intro = Jos et tiedä, keneen ottaa yhteyttä, soita. Sinua neuvotaan eteenpäin.
guidance-emergency = Hätätilanteessa soita 112.
guidance-title = Perhesosiaalityön neuvontanumero
guidance-intro = Numero näytetään Mistä apua? -sivuilla.
guidance-phone = Puhelinnumero
guidance-hours = Puhelinajat
guidance-guidance-phone = Puhelinnumero
guidance-guidance-hours = Puhelinajat

wish-title = Mitä haluaisit tehdä?
wish-intro = Kerro meille, mitä haluaisit tehdä vapaa-ajallasi. Et tarvitse tunnuksia, emmekä kysy nimeäsi.
wish-what = Mitä haluaisit tehdä?
wish-age = Kuinka vanha olet?
wish-area = Millä alueella asut?
wish-area-none = En halua kertoa
wish-text = Kerro omin sanoin (vapaaehtoinen)
wish-text-hint = Älä kirjoita nimiä, puhelinnumeroita tai osoitteita.
wish-send = Lähetä toive
wish-thanks = Kiitos! Toiveesi on vastaanotettu ja se auttaa suunnittelemaan harrastuksia.
wish-category-art = Piirtää ja maalata
wish-category-music = Soittaa tai laulaa
wish-category-culture = Teatteria, tanssia tai sirkusta
wish-category-sports = Urheilla ja liikkua
wish-category-nature = Retkeillä luonnossa
wish-category-technology = Koodata tai rakentaa
wish-category-games = Pelata
wish-category-crafts = Tehdä käsitöitä
wish-category-family = Tehdä jotain perheen kanssa
wish-category-support = Saada tukea
wish-category-other = Jotain muuta
age-group-under_7 = alle 7
age-group-7_12 = 7–12
age-group-13_17 = 13–17
age-group-18_29 = 18–29
age-group-adult = aikuinen
wish-field-categories = Mitä haluaisit tehdä
wish-field-age-group = Ikä
wish-field-area = Alue
wish-field-text = Omin sanoin

wishes-title = Lasten ja nuorten toiveet
wishes-intro = Toiveet tulevat nimettömästi Mitä haluaisit tehdä? -lomakkeelta.
wishes-form-link = Avaa lomake
wishes-none = Toiveita ei ole vielä tullut.
wishes-count =
    { $count ->
        [one] { $count } toive
       *[other] { $count } toivetta
    }
wishes-suppressed = Alle viisi toivetta: jakaumaa ei näytetä.
wishes-by-type = Toiveet lajeittain
wishes-by-age = Toiveet ikäryhmittäin
wishes-n = Määrä
wishes-own-words = Omin sanoin

manage-title = Toiminnat ja hyväksynnät
manage-intro = Järjestäjät lisäävät ja päivittävät omia toimintojaan; alueen hyväksyjä julkaisee ne. Vain julkaistut näkyvät perheille.
manage-caption = Toiminnat, joita järjestät tai hyväksyt
manage-none = Ei toimintoja.
manage-saved = Tallennettu.
manage-status = Tila
manage-actions = Toiminnot
manage-publish = Julkaise
manage-withdraw = Poista näkyvistä

activity-form-organiser = Tallennettu toiminta odottaa alueen hyväksyntää ennen kuin se näkyy perheille.
activity-form-approver = Hyväksyjänä voit julkaista toiminnan heti.
activity-kind = Tyyppi
activity-category = Laji
activity-name = Nimi
activity-description = Kuvaus
activity-area = Alue
activity-place = Paikka
activity-place-other = Muu paikka (kirjoita alle)
activity-location = Paikka sanoin
activity-min-age = Nuorin ikä
activity-max-age = Vanhin ikä
activity-is-free = Maksuton
activity-weekly = Viikoittaiset ajat
activity-season-start = Kausi alkaa
activity-season-end = Kausi päättyy
activity-weekday = Viikonpäivä
activity-starts = Alkaa
activity-ends = Päättyy
activity-dated = Päivätyt kerrat
activity-on = Päivä
activity-ends-on = Päättymispäivä
activity-cancellations = Perutut kerrat
activity-cancelled-on = Peruttu päivä
activity-note = Syy
activity-publish = Julkaise
activity-keywords = Avainsanat
activity-slots = Viikoittainen aika
activity-dates = Päivätty kerta
activity-times = Ajat
activity-source-id = Lähteen tunniste
activity-provider = Järjestäjän nimi

err-age = Ikä on kokonaisluku 0–120 ('{ $value }').
err-age-order = Vanhin ikä ({ $max }) on vähintään nuorin ikä ({ $min }).
err-price-free = Maksuttomalla toiminnalla ei ole hintaa: poista hinta tai maksuton-valinta.
err-price-missing = Kerro hinta tai merkitse toiminta maksuttomaksi.
err-no-times = Anna vähintään yksi viikoittainen aika tai yksi päivämäärä.
err-too-many-times = Enintään { $max } aikaa yhdellä toiminnalla.
err-season-missing = Viikoittaiset ajat tarvitsevat kauden (ensimmäinen ja viimeinen päivä).
err-season-order = Kausi päättyy sen alkamisen jälkeen.
err-season-long = Kausi tai kerta on enintään noin vuoden ({ $max } päivää).
err-activity-ends-before-start = Toiminta päättyy vasta alkamisensa jälkeen.
err-area-level = '{ $value }' ei ole alue, palvelukeskittymä eikä niiden yksikkö.
err-place-missing = Paikkaa '{ $value }' ei ole.

# Holidays and breaks of weekly activities
activity-no-session = Ei kokoontumista
breaks-title = Lomat: ei viikkotoimintaa
breaks-intro = Viikoittaiset harrastukset ja ryhmät eivät kokoonnu näinä päivinä (esimerkiksi koulujen syys-, joulu- ja talviloma). Arkipyhät on otettu huomioon valmiiksi.
breaks-none = Lomia ei ole lisätty.
breaks-caption = Lomat, joina viikkotoimintaa ei ole
breaks-add = Lisää loma
breaks-remove = Poista
break-name = Nimi
break-first = Ensimmäinen päivä
break-last = Viimeinen päivä
err-break-order = Viimeinen päivä on ennen ensimmäistä.
err-break-long = Loma on enintään noin neljä kuukautta.
holiday-new-year = Uudenvuodenpäivä
holiday-epiphany = Loppiainen
holiday-good-friday = Pitkäperjantai
holiday-easter-sunday = Pääsiäispäivä
holiday-easter-monday = Toinen pääsiäispäivä
holiday-may-day = Vappu
holiday-ascension = Helatorstai
holiday-whitsun = Helluntaipäivä
holiday-midsummer-eve = Juhannusaatto
holiday-midsummer-day = Juhannuspäivä
holiday-all-saints = Pyhäinpäivä
holiday-independence-day = Itsenäisyyspäivä
holiday-christmas-eve = Jouluaatto
holiday-christmas-day = Joulupäivä
holiday-boxing-day = Tapaninpäivä
holiday-new-years-eve = Uudenvuodenaatto
