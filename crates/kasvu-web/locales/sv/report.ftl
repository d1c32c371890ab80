# The yearly report's PDF and the authors of written texts.
report-chart-alt = Linjediagram: { $indicator }, { $unit }. { $values }.
report-page = Sida
report-chart-values = Diagrammets värden
author-public = { $role }, { $unit }
author-unknown = Kasvu-användare
