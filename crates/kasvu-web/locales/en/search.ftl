# Search: new result types
search-kind-activity = Hobby or event
search-kind-place = Place
search-kind-team = Team
search-kind-meeting = Meeting
search-kind-feedback = Feedback round results
