# Reported figures and figures summed from sub-units (issue 19).
figure-reported = { $period }: the figure is reported for the unit itself (an official statistic, say), not the sum of its sub-units.
figure-summed = { $period }: the figure is summed from the sub-units' figures – { $reporting } of { $units } sub-units have one.
figure-partly = { $period }: the figure is partly reported for the unit itself, partly summed from its sub-units.
figure-summed-beside = The sum of the sub-units' figures would be { $value } ({ $reporting }/{ $units } sub-units).
figure-summed-hidden = The sum of the sub-units is not shown, because one of their figures is hidden as a small number.
figure-source-reported = reported
figure-source-summed = summed from sub-units
figure-source-partly = partly reported
figure-running = { $period } under way: { $value } (provisional)
figure-provisional = provisional
