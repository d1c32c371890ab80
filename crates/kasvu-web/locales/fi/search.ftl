# Haku: uudet tuloslajit
search-kind-activity = Harrastus tai tapahtuma
search-kind-place = Paikka
search-kind-team = Tiimi
search-kind-meeting = Kokous
search-kind-feedback = Palautekierroksen tulokset
