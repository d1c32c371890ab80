# The actor register's form
actor-form-new = Add an actor
actor-form-edit = Edit the actor's details
actor-form-intro = The actor's (the organisation's) details for the register. Do not enter details of children or families.
actor-form-hint-code = Lower-case letters, digits and hyphens, e.g. mll-tuira. The code cannot be changed later.
actor-form-hint-list = Separate with commas, e.g. clubs, camps.
actor-form-hint-languages = Language codes separated by commas, e.g. fi, sv, en.
actor-form-unit-none = Not an organisation unit
actor-form-channels = The organisation's contact details
actor-form-contact = Contact person (staff only)
actor-form-contact-hint = Shown only to the organisation's signed-in staff.
actor-saved-created = The actor was added to the register.
actor-saved-updated = The actor's details were saved.
err-actor-code-taken = The register already has an actor with the code '{ $value }'.
err-actor-areas-scope = Not all the areas chosen are within your responsibility.
