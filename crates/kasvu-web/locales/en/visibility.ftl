# Who sees the organisation's figures (per indicator).
nav-figure-visibility = Figure visibility
figure-visibility-title = Figure visibility
figure-visibility-intro = The organisation's figures are public unless an indicator is marked for signed-in users only. Such an indicator's figures are not shown to anyone who has not signed in: not on the pages, in downloads or in the API. Every signed-in user of this service sees them.
figure-visibility-legend = Only for signed-in users
figure-visibility-saved = Figure visibility was saved.
figures-sign-in-to-see = The organisation shows this indicator's figures to signed-in users only.
