# The yearly report's PDF and the authors of written texts.
report-chart-alt = Line chart: { $indicator }, { $unit }. { $values }.
report-page = Page
report-chart-values = The chart's values
author-public = { $role }, { $unit }
author-unknown = Kasvu user
