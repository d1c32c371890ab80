# Public pages for families: hobbies, calendars, places, wishes (issue 7)

nav-families = For families
families-title = For families
families-intro = Hobbies, events, meeting places and the right contact when you need help.
families-hobbies = Find a hobby by age, day, area and price.
families-calendar = The areas' events and recurring activities, month by month.
families-places = Family centres and meeting places: where, when open, what happens there.
families-paths = Worried? Find the right contact here.
families-wish = Tell us what you would like to do.
families-by-area = Your area's calendar

hobbies-title = Hobby treasure chest
hobbies-intro = Clubs and hobbies for children and young people. Many are free.
hobbies-search = Search hobbies
hobbies-found =
    { $count ->
        [one] { $count } hobby
       *[other] { $count } hobbies
    }
hobbies-none = No hobbies match your search. Try a wider search.
hobbies-wish = Found nothing? Tell us your wish.

filter-area = Area
filter-all-areas = All areas
filter-age = Age (years)
filter-day = Weekday
filter-any-day = Any day
filter-type = Type
filter-any-type = All types
filter-free = Free only
filter-kind = Kind of activity
filter-any-kind = All
err-filter-value = '{ $value }' is not one of the choices.

pager = Pages
pager-prev = Previous page
pager-next = Next page
pager-page = Page

activity-kind-hobby = Hobby
activity-kind-event = Event
activity-kind-group = Open group
activity-kind-visit = Mobile service
category-art = Visual arts
category-music = Music
category-culture = Culture
category-sports = Sports
category-nature = Nature
category-technology = Technology
category-games = Games
category-crafts = Crafts
category-family = Families
category-support = Support and advice
category-other = Other
activity-status-pending = Waiting for approval
activity-status-published = Published
activity-status-withdrawn = Withdrawn

activity-when = When
activity-where = Where
activity-ages = Age
activity-all-ages = All ages
activity-price = Price
activity-free = Free
activity-signup = How to sign up
activity-languages = Languages
activity-equipment = Equipment
activity-equipment-lent = Equipment is lent
activity-equipment-own = Own equipment
activity-organiser = Organiser
activity-info-url = More information
activity-season = Season
activity-upcoming = Next times
activity-no-upcoming = No times in the next two months.
activity-cancelled = Cancelled
activity-add-to-calendar = Add to my calendar (.ics)
activity-edit = Edit
activity-new = New activity
content-fallback = Some of this is only in Finnish.

calendar-title = Activity calendar
calendar-filter = Narrow the calendar
calendar-months = Months
calendar-prev = Previous month
calendar-next = Next month
calendar-month-view = Month view
calendar-list-view = List
calendar-feed = Subscribe to the calendar (.ics)
calendar-feed-search = Subscribe to this search's calendar (.ics)
calendar-empty = Nothing on in this period.
calendar-truncated = The calendar shows the first 1000 activities. Narrow the search to see all.
weekday-short-1 = Mon
weekday-short-2 = Tue
weekday-short-3 = Wed
weekday-short-4 = Thu
weekday-short-5 = Fri
weekday-short-6 = Sat
weekday-short-7 = Sun

places-title = Meeting places and family centres
places-intro = Places you can come to: when they are open, what happens there and how to get there.
places-filter = Narrow the places
places-kind = Kind of place
places-any-kind = All places
places-found =
    { $count ->
        [one] { $count } place
       *[other] { $count } places
    }
place-kind-meeting_place = Meeting place
place-kind-family_centre = Family centre
place-kind-youth_centre = Youth centre
place-kind-library = Library
place-kind-school = School
place-kind-sports_venue = Sports venue
place-kind-outdoors = Outdoors
place-kind-other = Other place
place-address = Address
place-hours = Opening hours
place-what = What happens there
place-directions = How to get there
place-access = Accessibility
place-runner = Run by
place-upcoming = The next two weeks
place-calendar = The place's calendar

paths-worried = Worried? Start here.
guidance-public-title = Family social work advice line
guidance-public-intro = If you do not know whom to contact, call. You will be guided on.
guidance-emergency = In an emergency call 112.
guidance-title = Family social work advice number
guidance-intro = The number is shown on the "Where to get help?" pages.
guidance-phone = Phone number
guidance-hours = Phone hours
guidance-guidance-phone = Phone number
guidance-guidance-hours = Phone hours

wish-title = What would you like to do?
wish-intro = Tell us what you would like to do in your free time. You do not need to sign in and we do not ask your name.
wish-what = What would you like to do?
wish-age = How old are you?
wish-area = Which area do you live in?
wish-area-none = I'd rather not say
wish-text = In your own words (optional)
wish-text-hint = Do not write names, phone numbers or addresses.
wish-send = Send my wish
wish-thanks = Thank you! Your wish was received and helps plan hobbies.
wish-category-art = Draw and paint
wish-category-music = Play or sing
wish-category-culture = Theatre, dance or circus
wish-category-sports = Do sports and move
wish-category-nature = Go hiking in nature
wish-category-technology = Code or build
wish-category-games = Play games
wish-category-crafts = Do crafts
wish-category-family = Do something with my family
wish-category-support = Get support
wish-category-other = Something else
age-group-under_7 = under 7
age-group-7_12 = 7–12
age-group-13_17 = 13–17
age-group-18_29 = 18–29
age-group-adult = adult
wish-field-categories = What you would like to do
wish-field-age-group = Age
wish-field-area = Area
wish-field-text = In your own words

wishes-title = Children's and young people's wishes
wishes-intro = Wishes come anonymously from the "What would you like to do?" form.
wishes-form-link = Open the form
wishes-none = No wishes yet.
wishes-count =
    { $count ->
        [one] { $count } wish
       *[other] { $count } wishes
    }
wishes-suppressed = Fewer than five wishes: the breakdown is not shown.
wishes-by-type = Wishes by type
wishes-by-age = Wishes by age group
wishes-n = Number
wishes-own-words = In their own words

manage-title = Activities and approvals
manage-intro = Organisers add and update their own activities; the area's approver publishes them. Only published ones are shown to families.
manage-caption = Activities you organise or approve
manage-none = No activities.
manage-saved = Saved.
manage-status = Status
manage-actions = Actions
manage-publish = Publish
manage-withdraw = Withdraw

activity-form-organiser = A saved activity waits for the area's approval before families see it.
activity-form-approver = As an approver you may publish the activity at once.
activity-kind = Kind
activity-category = Type
activity-name = Name
activity-description = Description
activity-area = Area
activity-place = Place
activity-place-other = Another place (write below)
activity-location = Place in words
activity-min-age = Youngest age
activity-max-age = Oldest age
activity-is-free = Free
activity-weekly = Weekly times
activity-season-start = Season starts
activity-season-end = Season ends
activity-weekday = Weekday
activity-starts = Starts
activity-ends = Ends
activity-dated = Dated times
activity-on = Date
activity-ends-on = End date
activity-cancellations = Cancelled times
activity-cancelled-on = Cancelled date
activity-note = Reason
activity-publish = Publish
activity-keywords = Keywords
activity-slots = Weekly time
activity-dates = Dated time
activity-times = Times
activity-source-id = Source identifier
activity-provider = Organiser's name

err-age = An age is a whole number from 0 to 120 ('{ $value }').
err-age-order = The oldest age ({ $max }) is at least the youngest age ({ $min }).
err-price-free = A free activity has no price: remove the price or untick free.
err-price-missing = Give the price, or mark the activity free.
err-no-times = Give at least one weekly time or one date.
err-too-many-times = At most { $max } times per activity.
err-season-missing = Weekly times need a season (first and last day).
err-season-order = The season ends after it starts.
err-season-long = A season or an occurrence is at most about a year ({ $max } days).
err-activity-ends-before-start = An activity ends after it starts.
err-area-level = '{ $value }' is not an area, a cluster or a unit in one.
err-place-missing = There is no place '{ $value }'.

# Holidays and breaks of weekly activities
activity-no-session = No session
breaks-title = Breaks: no weekly activities
breaks-intro = Weekly hobbies and groups do not meet on these days (for example the schools' autumn, Christmas and winter breaks). Public holidays are already taken into account.
breaks-none = No breaks have been added.
breaks-caption = Breaks without weekly activities
breaks-add = Add a break
breaks-remove = Remove
break-name = Name
break-first = First day
break-last = Last day
err-break-order = The last day is before the first.
err-break-long = A break is at most about four months.
holiday-new-year = New Year's Day
holiday-epiphany = Epiphany
holiday-good-friday = Good Friday
holiday-easter-sunday = Easter Sunday
holiday-easter-monday = Easter Monday
holiday-may-day = May Day
holiday-ascension = Ascension Day
holiday-whitsun = Whitsunday
holiday-midsummer-eve = Midsummer Eve
holiday-midsummer-day = Midsummer Day
holiday-all-saints = All Saints' Day
holiday-independence-day = Independence Day
holiday-christmas-eve = Christmas Eve
holiday-christmas-day = Christmas Day
holiday-boxing-day = Boxing Day
holiday-new-years-eve = New Year's Eve
