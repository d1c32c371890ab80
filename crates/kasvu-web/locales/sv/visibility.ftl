# Vem som ser organisationens siffror (per indikator).
nav-figure-visibility = Siffrornas synlighet
figure-visibility-title = Siffrornas synlighet
figure-visibility-intro = Organisationens siffror är offentliga om inte indikatorn är markerad endast för inloggade. Siffrorna för en sådan indikator visas inte för den som inte är inloggad, varken på sidorna, i nedladdningar eller i gränssnittet. Alla inloggade användare av tjänsten ser dem.
figure-visibility-legend = Endast för inloggade
figure-visibility-saved = Siffrornas synlighet sparades.
figures-sign-in-to-see = Organisationen visar denna indikators siffror endast för inloggade användare.
