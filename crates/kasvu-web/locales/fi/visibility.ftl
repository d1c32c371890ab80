# Kenelle organisaation luvut näkyvät (indikaattoreittain).
nav-figure-visibility = Lukujen näkyvyys
figure-visibility-title = Lukujen näkyvyys
figure-visibility-intro = Organisaation luvut ovat julkisia, ellei indikaattoria ole merkitty vain kirjautuneille. Vain kirjautuneille merkityn indikaattorin lukuja ei näytetä kirjautumattomille sivuilla, latauksissa eikä rajapinnassa. Kaikki tämän palvelun kirjautuneet käyttäjät näkevät ne.
figure-visibility-legend = Vain kirjautuneille
figure-visibility-saved = Lukujen näkyvyys tallennettiin.
figures-sign-in-to-see = Organisaatio näyttää tämän indikaattorin luvut vain kirjautuneille käyttäjille.
