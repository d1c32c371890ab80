# Aktörsregistrets formulär
actor-form-new = Lägg till aktör
actor-form-edit = Redigera aktörens uppgifter
actor-form-intro = Aktörens, det vill säga organisationens, uppgifter i registret. Registrera inte uppgifter om barn eller familjer.
actor-form-hint-code = Små bokstäver, siffror och bindestreck, t.ex. mll-tuira. Koden kan inte ändras senare.
actor-form-hint-list = Separera med kommatecken, t.ex. klubbar, läger.
actor-form-hint-languages = Språkkoder separerade med kommatecken, t.ex. fi, sv, en.
actor-form-unit-none = Inte en organisationsenhet
actor-form-channels = Organisationens kontaktuppgifter
actor-form-contact = Kontaktperson (endast för personalen)
actor-form-contact-hint = Visas endast för organisationens inloggade anställda.
actor-saved-created = Aktören lades till i registret.
actor-saved-updated = Aktörens uppgifter sparades.
err-actor-code-taken = Registret har redan en aktör med koden '{ $value }'.
err-actor-areas-scope = Alla valda områden hör inte till ditt ansvar.
