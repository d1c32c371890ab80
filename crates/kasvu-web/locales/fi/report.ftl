# The yearly report's PDF and the authors of written texts.
report-chart-alt = Viivakaavio: { $indicator }, { $unit }. { $values }.
report-page = Sivu
report-chart-values = Kaavion luvut
author-public = { $role }, { $unit }
author-unknown = Kasvun käyttäjä
