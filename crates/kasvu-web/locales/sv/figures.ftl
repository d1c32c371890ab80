# Rapporterade tal och tal summerade från underenheter (issue 19).
figure-reported = { $period }: talet är rapporterat för enheten själv (till exempel officiell statistik), inte summan av underenheterna.
figure-summed = { $period }: talet är summerat från underenheternas tal – { $reporting } av { $units } underenheter har ett tal.
figure-partly = { $period }: talet är delvis rapporterat för enheten själv, delvis summerat från underenheterna.
figure-summed-beside = Summan av underenheternas tal vore { $value } ({ $reporting }/{ $units } underenheter).
figure-summed-hidden = Summan av underenheterna visas inte, eftersom något av underenheternas tal är dolt som ett litet tal.
figure-source-reported = rapporterat
figure-source-summed = summerat från underenheter
figure-source-partly = delvis rapporterat
figure-running = { $period } pågår: { $value } (preliminärt)
figure-provisional = preliminärt
