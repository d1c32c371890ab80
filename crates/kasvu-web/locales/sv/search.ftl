# Sökning: nya resultattyper
search-kind-activity = Hobby eller evenemang
search-kind-place = Plats
search-kind-team = Team
search-kind-meeting = Möte
search-kind-feedback = Resultat av responsomgång
