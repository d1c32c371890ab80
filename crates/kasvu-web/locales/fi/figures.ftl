# Ilmoitetut ja alayksiköistä lasketut luvut (issue 19).
figure-reported = { $period }: luku on yksikölle itselleen ilmoitettu (esimerkiksi virallinen tilasto), ei alayksiköiden summa.
figure-summed = { $period }: luku on laskettu alayksiköiden luvuista – luku on { $reporting } alayksiköltä { $units }:stä.
figure-partly = { $period }: luku on osin yksikölle itselleen ilmoitettu, osin laskettu alayksiköiden luvuista.
figure-summed-beside = Alayksiköiden luvuista laskettu summa olisi { $value } ({ $reporting }/{ $units } alayksikköä).
figure-summed-hidden = Alayksiköiden summaa ei näytetä, koska jokin alayksikön luvuista on piilotettu pienenä lukuna.
figure-source-reported = ilmoitettu
figure-source-summed = laskettu alayksiköistä
figure-source-partly = osin ilmoitettu
figure-running = { $period } kesken: { $value } (alustava)
figure-provisional = alustava
