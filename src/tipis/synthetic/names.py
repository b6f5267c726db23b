"""Name pools for synthetic people: given and family names by language, and by citizenship.

Owns the small, hand-written pools the generator draws from and the mapping from a country of
citizenship to a pool. Names are common ones, combined at random, so no generated person is
meant to be anyone. Pools with their own script carry the native spelling beside the Latin one
(the way a passport shows both), which the generator puts in ``other_names``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

__all__ = ["POOLS", "NamePool", "pool_for", "pool_index"]


@dataclass(frozen=True)
class NamePool:
    """Given names by sex and family names; ``*_native`` align with the Latin tuples or are ()."""

    language: str
    female: tuple[str, ...]
    male: tuple[str, ...]
    family: tuple[str, ...]
    female_native: tuple[str, ...] = ()
    male_native: tuple[str, ...] = ()
    family_native: tuple[str, ...] = ()
    #: Family name written first (Chinese, Vietnamese): exports may get the order wrong.
    family_first: bool = False


def _t(text: str) -> tuple[str, ...]:
    return tuple(word.replace("_", " ") for word in text.split())


_POOLS: dict[str, NamePool] = {
    "ro": NamePool(
        "ro",
        _t("Ana Maria Elena Ioana Andreea Mihaela Alexandra Cristina Florentina Georgiana Daniela"),
        _t("Ion Andrei Mihai Alexandru Gheorghe Constantin Florin Marian Ionuț Adrian Cosmin"),
        _t("Popescu Ionescu Popa Stan Dumitru Stoica Gheorghe Matei Ciobanu Rusu Munteanu Lungu"),
    ),
    "bg": NamePool(
        "bg",
        _t("Maria Ivana Elena Desislava Gergana Petya Tsvetelina Yordanka"),
        _t("Georgi Ivan Dimitar Nikolay Petar Hristo Stoyan Todor"),
        _t("Ivanov Georgiev Dimitrov Petrov Nikolov Hristov Stoyanov Todorov"),
        _t("Мария Ивана Елена Десислава Гергана Петя Цветелина Йорданка"),
        _t("Георги Иван Димитър Николай Петър Христо Стоян Тодор"),
        _t("Иванов Георгиев Димитров Петров Николов Христов Стоянов Тодоров"),
    ),
    "uk": NamePool(
        "uk",
        _t("Olena Oksana Iryna Nataliia Tetiana Yuliia Kateryna Svitlana Olha Mariia"),
        _t("Oleksandr Andrii Serhii Volodymyr Dmytro Mykola Vasyl Yurii Ihor Taras"),
        _t("Shevchenko Kovalenko Bondarenko Tkachenko Kravchenko Melnyk Boiko Koval Oliinyk"),
        _t("Олена Оксана Ірина Наталія Тетяна Юлія Катерина Світлана Ольга Марія"),
        _t("Олександр Андрій Сергій Володимир Дмитро Микола Василь Юрій Ігор Тарас"),
        _t("Шевченко Коваленко Бондаренко Ткаченко Кравченко Мельник Бойко Коваль Олійник"),
    ),
    "ru": NamePool(
        "ru",
        _t("Elena Olga Natalia Tatiana Irina Svetlana Anna Ekaterina Yulia Marina"),
        _t("Aleksandr Sergei Dmitrii Andrei Aleksei Ivan Mikhail Nikolai Vladimir Pavel"),
        _t("Ivanov Smirnov Kuznetsov Popov Vasiliev Petrov Sokolov Mikhailov Novikov Fedorov"),
        _t("Елена Ольга Наталья Татьяна Ирина Светлана Анна Екатерина Юлия Марина"),
        _t("Александр Сергей Дмитрий Андрей Алексей Иван Михаил Николай Владимир Павел"),
        _t("Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров"),
    ),
    "sq": NamePool(
        "sq",
        _t("Ardita Blerina Elira Fatjona Klaudia Mirela Rozafa Xhensila"),
        _t("Arben Besnik Dritan Endrit Gentian Ilir Kreshnik Lulzim"),
        _t("Hoxha Shehu Krasniqi Gashi Berisha Leka Dervishi Kola"),
    ),
    "pl": NamePool(
        "pl",
        _t("Anna Katarzyna Magdalena Agnieszka Joanna Ewa Małgorzata Monika"),
        _t("Piotr Krzysztof Tomasz Paweł Marcin Michał Łukasz Grzegorz"),
        _t("Nowak Kowalski Wiśniewski Wójcik Kamiński Lewandowski Zieliński Szymański"),
    ),
    "hu": NamePool(
        "hu",
        _t("Anna Eszter Katalin Zsófia Réka Krisztina Erzsébet Ildikó"),
        _t("László István József Zoltán Sándor Gábor Attila Tamás"),
        _t("Nagy Kovács Tóth Szabó Horváth Varga Kiss Molnár"),
    ),
    "ng": NamePool(
        "ng",
        _t("Blessing Joy Favour Precious Chioma Ngozi Aisha Funmilayo Esther Gift Adaeze Yetunde"),
        _t("Emeka Chinedu Oluwaseun Ibrahim Tunde Uche Samuel Chukwuemeka Musa Kelechi Adebayo"),
        _t("Okafor Adeyemi Okonkwo Eze Bello Ogunleye Nwosu Abubakar Olawale Obi Afolabi Igwe"),
    ),
    "gh": NamePool(
        "gh",
        _t("Akosua Abena Ama Efua Adwoa Yaa Esi Afia"),
        _t("Kwame Kofi Kwaku Yaw Kwabena Kojo Kwesi Fiifi"),
        _t("Mensah Boateng Owusu Asante Osei Appiah Agyeman Darko"),
    ),
    "wa_fr": NamePool(
        "fr",
        _t("Aminata Fatoumata Mariama Awa Kadiatou Aïssatou Salimata Adjoua"),
        _t("Mamadou Moussa Ibrahima Souleymane Amadou Seydou Boubacar Koffi"),
        _t("Diallo Traoré Coulibaly Keïta Camara Diop Ndiaye Kouassi Konaté Sow"),
    ),
    "et": NamePool(
        "am",
        _t("Tigist Meron Selam Hiwot Almaz Bethlehem Senait Rahel"),
        _t("Dawit Yohannes Tesfaye Biniam Haile Mulugeta Solomon Abebe"),
        _t("Tesfaye Bekele Girma Haile Tadesse Alemu Gebremedhin Kidane"),
    ),
    "ea": NamePool(
        "sw",
        _t("Wanjiru Achieng Amani Neema Zawadi Nafula Akinyi Halima"),
        _t("Otieno Kamau Baraka Juma Mwangi Omondi Kiprotich Hamisi"),
        _t("Mwangi Otieno Wanjala Kariuki Odhiambo Njoroge Mutua Kimani"),
    ),
    "zh": NamePool(
        "zh",
        _t("Li Na Fang Xiuying Min Jing Yan Ling Hui Xia"),
        _t("Wei Qiang Lei Jun Yong Jie Tao Ming Chao Hao"),
        _t("Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou"),
        _t("丽 娜 芳 秀英 敏 静 燕 玲 慧 霞"),
        _t("伟 强 磊 军 勇 杰 涛 明 超 浩"),
        _t("王 李 张 刘 陈 杨 黄 赵 吴 周"),
        family_first=True,
    ),
    "vi": NamePool(
        "vi",
        _t("Lan Hương Mai Thảo Linh Trang Ngọc Hạnh Hoa Thủy"),
        _t("Minh Tuấn Hùng Dũng Nam Quang Thắng Hải Long Phong"),
        _t("Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Đặng Bùi"),
        family_first=True,
    ),
    "th": NamePool(
        "th",
        _t("Siriporn Malee Nattaya Kanya Pornthip Suda Wanida Ratana"),
        _t("Somchai Somsak Anan Prasert Wichai Chaiwat Niran Sompong"),
        _t("Saetang Srisuk Wongsa Chaiyaphum Boonmee Kaewmanee Thongdee Rattanakorn"),
        _t("ศิริพร มาลี ณัฐยา กัญญา พรทิพย์ สุดา วนิดา รัตนา"),
        _t("สมชาย สมศักดิ์ อนันต์ ประเสริฐ วิชัย ชัยวัฒน์ นิรันดร์ สมพงษ์"),
        _t("แซ่ตั้ง ศรีสุข วงศ์ษา ชัยภูมิ บุญมี แก้วมณี ทองดี รัตนากร"),
    ),
    "my": NamePool(
        "my",
        _t("Aye Hnin Thida Khin Moe Su Nilar Ei"),
        _t("Aung Kyaw Min Zaw Htet Thant Ko Naing"),
        _t("Win Myint Oo Htun Lwin Soe Naing Aung"),
    ),
    "km": NamePool(
        "km",
        _t("Sokha Channary Sreymom Bopha Dara Kanha Sophea Rachana"),
        _t("Sokun Vannak Rithy Sophal Pisey Chann Bunthoeun Vuthy"),
        _t("Sok Chan Kim Heng Chea Meas Pich Keo"),
        family_first=True,
    ),
    "fil": NamePool(
        "fil",
        _t("Maria Jocelyn Rowena Marites Lorna Analyn Cristina Rosalie Jennifer Grace"),
        _t("Jose Mark Rodel Jomar Ramon Arnel Joel Reynaldo Christian Dennis"),
        _t("Santos Reyes Cruz Bautista Garcia Mendoza Dela_Cruz Ramos Aquino Villanueva"),
    ),
    "id": NamePool(
        "id",
        _t("Siti Dewi Sri Nur Rina Wulan Fitri Ayu"),
        _t("Budi Agus Joko Eko Hendra Rudi Wahyu Dedi"),
        _t("Santoso Wijaya Hidayat Saputra Setiawan Kurniawan Pratama Susanto"),
    ),
    "hi": NamePool(
        "hi",
        _t("Priya Sunita Anjali Pooja Neha Kavita Rekha Lakshmi Meena Geeta"),
        _t("Rajesh Amit Suresh Ramesh Vijay Sanjay Rahul Anil Manoj Ravi"),
        _t("Kumar Sharma Singh Patel Yadav Gupta Das Reddy Verma Mishra"),
        _t("प्रिया सुनीता अंजलि पूजा नेहा कविता रेखा लक्ष्मी मीना गीता"),
        _t("राजेश अमित सुरेश रमेश विजय संजय राहुल अनिल मनोज रवि"),
        _t("कुमार शर्मा सिंह पटेल यादव गुप्ता दास रेड्डी वर्मा मिश्रा"),
    ),
    "bn": NamePool(
        "bn",
        _t("Fatema Nasrin Rokeya Shirin Taslima Ayesha Sultana Rahima"),
        _t("Mohammad Abdul Rahim Karim Hasan Jamal Rafiq Shahid"),
        _t("Hossain Rahman Islam Ahmed Khan Uddin Miah Chowdhury"),
    ),
    "ar": NamePool(
        "ar",
        _t("Fatima Aisha Mariam Khadija Zainab Nour Layla Salma Hanan Amal"),
        _t("Mohamed Ahmed Ali Omar Youssef Khaled Hassan Ibrahim Mahmoud Karim"),
        _t("Haddad Khalil Mansour Saleh Nasser Hamdan Aziz Hussein Ibrahim Qasim"),
        _t("فاطمة عائشة مريم خديجة زينب نور ليلى سلمى حنان أمل"),
        _t("محمد أحمد علي عمر يوسف خالد حسن إبراهيم محمود كريم"),
        _t("حداد خليل منصور صالح ناصر حمدان عزيز حسين إبراهيم قاسم"),
    ),
    "es": NamePool(
        "es",
        _t("María Guadalupe Ana Rosa Carmen Daniela Yesenia Luz Marisol Gabriela Andrea Lucía"),
        _t("José Juan Luis Carlos Jorge Miguel Jesús Pedro Fernando Ángel Diego Javier"),
        _t(
            "García Rodríguez Martínez Hernández López González Pérez Sánchez Ramírez Torres "
            "Flores Gómez Díaz Vargas Rojas Castillo"
        ),
    ),
    "pt": NamePool(
        "pt",
        _t("Ana Maria Francisca Juliana Márcia Aline Fernanda Patrícia Adriana Luana"),
        _t("José João Antônio Francisco Carlos Paulo Pedro Lucas Marcos Rafael"),
        _t("Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes"),
    ),
    "en": NamePool(
        "en",
        _t("Emily Sarah Jessica Ashley Jennifer Amanda Rachel Megan Laura Hannah"),
        _t("James John Michael David Robert Daniel Christopher Matthew Andrew Joshua"),
        _t("Smith Johnson Williams Brown Jones Miller Davis Wilson Taylor Clark Walker Hall"),
    ),
    "fr": NamePool(
        "fr",
        _t("Marie Nathalie Isabelle Sylvie Céline Julie Camille Léa Manon Sandrine"),
        _t("Jean Pierre Nicolas Julien Thomas Sébastien Laurent Antoine Mathieu Olivier"),
        _t("Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau"),
    ),
    "de": NamePool(
        "de",
        _t("Anna Julia Laura Sabine Katrin Stefanie Lena Sarah Claudia Nicole"),
        _t("Thomas Michael Andreas Stefan Daniel Markus Jan Tobias Jürgen Lukas"),
        _t("Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann"),
    ),
    "nl": NamePool(
        "nl",
        _t("Sanne Lotte Anouk Femke Eva Lisa Iris Marieke"),
        _t("Daan Bram Sem Lucas Thijs Ruben Jeroen Sander"),
        _t("de_Jong Jansen de_Vries van_den_Berg Bakker Visser Smit Meijer"),
    ),
    "it": NamePool(
        "it",
        _t("Giulia Francesca Chiara Sara Valentina Federica Alessandra Martina"),
        _t("Marco Giuseppe Luca Andrea Francesco Alessandro Matteo Giovanni"),
        _t("Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci"),
    ),
    "tr": NamePool(
        "tr",
        _t("Ayşe Fatma Emine Hatice Zeynep Elif Merve Özlem"),
        _t("Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim Emre"),
        _t("Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk"),
    ),
    "ca": NamePool(
        "ru",
        _t("Gulnara Dilnoza Aigerim Nodira Zarina Madina Feruza Aida"),
        _t("Rustam Bakhtiyor Azamat Timur Sherzod Nurlan Ulugbek Bekzod"),
        _t("Karimov Rakhimov Abdullaev Tashkentov Nazarov Yusupov Ismoilov Sultanov"),
    ),
}

# Citizenship -> pool; countries not listed fall back to their M49 sub-region.
_BY_COUNTRY = {
    "ROU": "ro",
    "MDA": "ro",
    "BGR": "bg",
    "MKD": "bg",
    "UKR": "uk",
    "BLR": "ru",
    "RUS": "ru",
    "ALB": "sq",
    "XKX": "sq",
    "POL": "pl",
    "LTU": "pl",
    "LVA": "ru",
    "HUN": "hu",
    "SVK": "hu",
    "CZE": "pl",
    "SRB": "bg",
    "BIH": "bg",
    "HRV": "pl",
    "NGA": "ng",
    "GHA": "gh",
    "SLE": "gh",
    "LBR": "gh",
    "GMB": "wa_fr",
    "SEN": "wa_fr",
    "GIN": "wa_fr",
    "MLI": "wa_fr",
    "CIV": "wa_fr",
    "BFA": "wa_fr",
    "BEN": "wa_fr",
    "TGO": "wa_fr",
    "CMR": "wa_fr",
    "NER": "wa_fr",
    "COD": "wa_fr",
    "COG": "wa_fr",
    "ETH": "et",
    "ERI": "et",
    "KEN": "ea",
    "UGA": "ea",
    "TZA": "ea",
    "CHN": "zh",
    "TWN": "zh",
    "HKG": "zh",
    "VNM": "vi",
    "THA": "th",
    "MMR": "my",
    "KHM": "km",
    "LAO": "th",
    "PHL": "fil",
    "IDN": "id",
    "MYS": "id",
    "IND": "hi",
    "NPL": "hi",
    "LKA": "hi",
    "BGD": "bn",
    "PAK": "bn",
    "AFG": "bn",
    "EGY": "ar",
    "MAR": "ar",
    "DZA": "ar",
    "TUN": "ar",
    "SYR": "ar",
    "IRQ": "ar",
    "SDN": "ar",
    "ARE": "ar",
    "SAU": "ar",
    "JOR": "ar",
    "LBN": "ar",
    "YEM": "ar",
    "SOM": "ar",
    "TUR": "tr",
    "UZB": "ca",
    "KGZ": "ca",
    "KAZ": "ca",
    "TJK": "ca",
    "AZE": "tr",
    "BRA": "pt",
    "PRT": "pt",
    "AGO": "pt",
    "MOZ": "pt",
    "ESP": "es",
    "USA": "en",
    "GBR": "en",
    "IRL": "en",
    "CAN": "en",
    "AUS": "en",
    "NZL": "en",
    "FRA": "fr",
    "BEL": "fr",
    "CHE": "de",
    "DEU": "de",
    "AUT": "de",
    "NLD": "nl",
    "ITA": "it",
    "HTI": "fr",
}
_BY_SUBREGION = {
    "419": "es",  # Latin America and the Caribbean
    "151": "ru",  # Eastern Europe
    "039": "it",  # Southern Europe
    "154": "en",  # Northern Europe
    "155": "de",  # Western Europe
    "202": "ng",  # Sub-Saharan Africa
    "015": "ar",  # Northern Africa
    "145": "ar",  # Western Asia
    "143": "ca",  # Central Asia
    "034": "hi",  # Southern Asia
    "035": "id",  # South-eastern Asia
    "030": "zh",  # Eastern Asia
    "021": "en",  # Northern America
}


#: Every pool once, in a fixed order: ``pool_index`` gives a citizenship's position here.
POOLS: tuple[NamePool, ...] = tuple(_POOLS.values())


@cache
def pool_index(iso3: str) -> int:
    """The position in ``POOLS`` of the pool for a citizenship (tables of names use it)."""
    pool = pool_for(iso3)
    return next(i for i, candidate in enumerate(POOLS) if candidate is pool)


@cache
def pool_for(iso3: str) -> NamePool:
    """The name pool for a citizenship: by country, else by M49 sub-region, else English."""
    key = _BY_COUNTRY.get(iso3)
    if key is None:
        from tipis.standard.geography import country, is_country

        subregion = country(iso3).subregion if is_country(iso3) else None
        key = _BY_SUBREGION.get(subregion.code if subregion else "", "en")
    return _POOLS[key]
