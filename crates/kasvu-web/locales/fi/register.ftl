# Toimijarekisterin lomake
actor-form-new = Lisää toimija
actor-form-edit = Muokkaa toimijan tietoja
actor-form-intro = Toimijan eli organisaation tiedot rekisteriin. Älä kirjaa lasten tai perheiden tietoja.
actor-form-hint-code = Pienet kirjaimet, numerot ja väliviivat, esim. mll-tuira. Tunnusta ei voi muuttaa myöhemmin.
actor-form-hint-list = Erota pilkulla, esim. kerhot, leirit.
actor-form-hint-languages = Kielikoodit pilkulla erotettuina, esim. fi, sv, en.
actor-form-unit-none = Ei organisaatioyksikkö
actor-form-channels = Organisaation yhteystiedot
actor-form-contact = Yhteyshenkilö (vain henkilöstölle)
actor-form-contact-hint = Näkyy vain organisaation kirjautuneille työntekijöille.
actor-saved-created = Toimija lisättiin rekisteriin.
actor-saved-updated = Toimijan tiedot tallennettiin.
err-actor-code-taken = Rekisterissä on jo toimija tunnuksella '{ $value }'.
err-actor-areas-scope = Kaikki valitut alueet eivät ole sinun vastuullasi.
