"""Name pools for demo data: (native script, [Latin spellings]) per country.

The spellings are the variants counsellors meet in practice (Mohamed/Mohammed/Muhammad),
so the demo exercises the search across scripts and transliterations.
"""

from __future__ import annotations

ARABIC_GIVEN_M = [
    ("محمد", ["Mohamed", "Mohammed", "Muhammad", "Mohammad"]),
    ("أحمد", ["Ahmed", "Ahmad"]),
    ("علي", ["Ali"]),
    ("حسين", ["Hussein", "Hussain", "Husain"]),
    ("عمر", ["Omar", "Umar"]),
    ("يوسف", ["Youssef", "Yusuf", "Yousef"]),
    ("خالد", ["Khaled", "Khalid"]),
    ("سمير", ["Samir", "Sameer"]),
    ("مصطفى", ["Mustafa", "Moustafa"]),
    ("إبراهيم", ["Ibrahim", "Ebrahim"]),
    ("عبد الله", ["Abdullah", "Abdallah"]),
    ("حسن", ["Hassan", "Hasan"]),
    ("كريم", ["Karim", "Kareem"]),
    ("جمال", ["Jamal", "Gamal"]),
    ("طارق", ["Tarek", "Tariq"]),
]
ARABIC_GIVEN_F = [
    ("فاطمة", ["Fatima", "Fatma", "Fatimah"]),
    ("زينب", ["Zainab", "Zeinab"]),
    ("مريم", ["Maryam", "Mariam"]),
    ("سارة", ["Sara", "Sarah"]),
    ("نور", ["Nour", "Noor"]),
    ("آمنة", ["Amina", "Amna"]),
    ("خديجة", ["Khadija", "Khadidja"]),
    ("هدى", ["Huda", "Houda"]),
    ("ليلى", ["Layla", "Leila"]),
]
ARABIC_FAMILY = [
    ("الجبوري", ["Al-Jubouri", "Aljuburi"]),
    ("العبيدي", ["Al-Obaidi", "Al Ubaidi"]),
    ("حسن", ["Hassan", "Hasan"]),
    ("إبراهيم", ["Ibrahim"]),
    ("السيد", ["El-Sayed", "Elsayed", "Al-Sayed"]),
    ("بن علي", ["Ben Ali", "Benali"]),
    ("التميمي", ["Al-Tamimi", "Altamimi"]),
    ("المصري", ["El-Masry", "Al-Masri"]),
    ("بوزيد", ["Bouzid", "Bouzaid"]),
    ("الزهراني", ["Al-Zahrani"]),
    ("عثمان", ["Osman", "Othman"]),
    ("محمود", ["Mahmoud", "Mahmud"]),
]
KURDISH_GIVEN = [
    ("ئاسۆ", ["Aso"]),
    ("هێمن", ["Hemin"]),
    ("ژیلا", ["Zhila", "Jila"]),
    ("دیلان", ["Dilan"]),
    ("ڕێباز", ["Rebaz"]),
    ("شیلان", ["Shilan"]),
]
KURDISH_FAMILY = [("عەزیز", ["Aziz"]), ("ئەحمەد", ["Ahmad", "Ahmed"]), ("کەریم", ["Karim"])]
DARI_GIVEN_M = [
    ("احمد", ["Ahmad", "Ahmed"]),
    ("محمد", ["Mohammad", "Muhammad"]),
    ("غلام", ["Ghulam", "Gholam"]),
    ("نوید", ["Navid", "Naweed"]),
    ("عبدالرحمن", ["Abdul Rahman", "Abdulrahman"]),
    ("فرید", ["Farid", "Fareed"]),
    ("جاوید", ["Javid", "Jawed"]),
    ("حمید", ["Hamid", "Hameed"]),
]
DARI_GIVEN_F = [
    ("زهرا", ["Zahra"]),
    ("مریم", ["Maryam"]),
    ("فریبا", ["Fariba"]),
    ("شکیلا", ["Shakila"]),
    ("پروانه", ["Parwana"]),
]
DARI_FAMILY = [
    ("احمدی", ["Ahmadi"]),
    ("رحیمی", ["Rahimi"]),
    ("حیدری", ["Haidari", "Heydari"]),
    ("صدیقی", ["Siddiqi", "Sediqi"]),
    ("نوری", ["Noori", "Nouri"]),
    ("کریمی", ["Karimi"]),
    ("یوسفزی", ["Yousafzai", "Yusufzai"]),
]
URDU_GIVEN_M = [
    ("محمد", ["Muhammad", "Mohammad"]),
    ("عمران", ["Imran"]),
    ("عثمان", ["Usman", "Osman"]),
    ("بلال", ["Bilal"]),
    ("فیصل", ["Faisal", "Faysal"]),
    ("علی", ["Ali"]),
]
URDU_GIVEN_F = [("عائشہ", ["Ayesha", "Aisha"]), ("صائمہ", ["Saima"]), ("نادیہ", ["Nadia"])]
URDU_FAMILY = [
    ("خان", ["Khan"]),
    ("حسین", ["Hussain"]),
    ("چوہدری", ["Chaudhry", "Chaudhary"]),
    ("قریشی", ["Qureshi", "Kureshi"]),
    ("بٹ", ["Butt"]),
    ("ملک", ["Malik"]),
]
ALBANIAN_GIVEN_M = [
    "Arben",
    "Besnik",
    "Dritan",
    "Ermal",
    "Gentian",
    "Ilir",
    "Klodian",
    "Luan",
    "Agron",
    "Shkëlqim",
    "Fatos",
    "Valon",
    "Blerim",
    "Driton",
]
ALBANIAN_GIVEN_F = [
    "Blerta",
    "Dorisa",
    "Elira",
    "Fjolla",
    "Jonida",
    "Mimoza",
    "Teuta",
    "Vjosa",
    "Arta",
    "Drita",
]
ALBANIAN_FAMILY = [
    "Hoxha",
    "Krasniqi",
    "Berisha",
    "Shala",
    "Gashi",
    "Lala",
    "Kelmendi",
    "Morina",
    "Hasani",
    "Dervishi",
    "Çela",
    "Bytyqi",
    "Rama",
    "Leka",
]
SERBIAN = [  # (Cyrillic, Latin)
    ("Марко", "Marko"),
    ("Никола", "Nikola"),
    ("Стефан", "Stefan"),
    ("Милош", "Miloš"),
    ("Ана", "Ana"),
    ("Јована", "Jovana"),
    ("Милица", "Milica"),
    ("Драган", "Dragan"),
]
SERBIAN_FAMILY = [
    ("Јовановић", "Jovanović"),
    ("Петровић", "Petrović"),
    ("Николић", "Nikolić"),
    ("Ђорђевић", "Đorđević"),
    ("Стојановић", "Stojanović"),
    ("Илић", "Ilić"),
    ("Ибраимовић", "Ibraimović"),
    ("Бајрами", "Bajrami"),
]
WEST_AFRICA_GIVEN_M = [
    "Mamadou",
    "Ousmane",
    "Abdoulaye",
    "Modou",
    "Lamin",
    "Ebrima",
    "Cheikh",
    "Ibrahima",
    "Moussa",
    "Alieu",
    "Babacar",
    "Pape",
]
WEST_AFRICA_GIVEN_F = [
    "Fatoumata",
    "Aïssatou",
    "Mariama",
    "Awa",
    "Isatou",
    "Binta",
    "Khady",
    "Ndeye",
    "Adama",
    "Coumba",
]
WEST_AFRICA_FAMILY = [
    "Diallo",
    "Ndiaye",
    "Sow",
    "Ba",
    "Bah",
    "Jallow",
    "Ceesay",
    "Touray",
    "Diop",
    "Fall",
    "Sarr",
    "Camara",
    "Njie",
    "Faye",
    "Mbaye",
    "Gueye",
]
GHANA_GIVEN_M = ["Kwame", "Kofi", "Kwabena", "Yaw", "Kojo", "Emmanuel", "Isaac"]
GHANA_GIVEN_F = ["Ama", "Akosua", "Abena", "Efua", "Adwoa", "Comfort", "Grace"]
GHANA_FAMILY = ["Mensah", "Owusu", "Boateng", "Asante", "Osei", "Appiah", "Agyeman"]
NIGERIA_GIVEN_M = [
    "Chinedu",
    "Emeka",
    "Oluwaseun",
    "Tunde",
    "Ibrahim",
    "Musa",
    "Uche",
    "Abubakar",
    "Segun",
]
NIGERIA_GIVEN_F = ["Aisha", "Ngozi", "Funmilayo", "Chioma", "Blessing", "Amina", "Yetunde"]
NIGERIA_FAMILY = [
    "Okafor",
    "Adeyemi",
    "Bello",
    "Eze",
    "Ogunleye",
    "Abubakar",
    "Nwosu",
    "Okonkwo",
    "Yusuf",
    "Adebayo",
]
MAGHREB_GIVEN_M_LATIN = [
    "Youssef",
    "Mehdi",
    "Anouar",
    "Hamza",
    "Rachid",
    "Karim",
    "Mohamed",
    "Amine",
    "Sofiane",
    "Bilel",
]
MAGHREB_GIVEN_F_LATIN = [
    "Fatima Zahra",
    "Imane",
    "Salma",
    "Khadija",
    "Yasmine",
    "Nadia",
    "Sana",
    "Rim",
]
MAGHREB_FAMILY_LATIN = [
    "El Amrani",
    "Benjelloun",
    "Bennani",
    "Alaoui",
    "Trabelsi",
    "Ben Salah",
    "Jebali",
    "Chaouch",
    "Bouzid",
    "El Idrissi",
]
