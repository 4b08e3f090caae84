"""The demo's places, names and products: real commune codes, plausible people."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoCommune:
    """A commune of the demo with its share of Khmer households and rough centre."""

    code: str
    weight: float  # share of the demo's households
    khmer: float  # share of Khmer households
    lat: float
    lng: float
    hamlets: tuple[str, ...]


# Vĩnh Long (86): communes of former Trà Vinh, where about a third of people are Khmer.
# Cần Thơ (92): communes of former Hậu Giang.
COMMUNES = (
    DemoCommune(
        "29461",
        0.13,
        0.62,
        9.700,
        106.262,
        (
            "Ấp Sóc Chuối (ភូមិស្រុកចេក)",
            "Ấp Xoài Thum (ភូមិស្វាយធំ)",
            "Ấp Chợ (ភូមិផ្សារ)",
            "Ấp Thanh Xuyên",
            "Ấp Ngãi Hòa",
        ),
    ),
    DemoCommune(
        "29467",
        0.11,
        0.70,
        9.782,
        106.232,
        (
            "Phum Wat Thmei (ភូមិវត្តថ្មី)",
            "Sóc Trapeang (ភូមិត្រពាំង)",
            "Ấp Ba Cụm",
            "Ấp Đông Sơn",
        ),
    ),
    DemoCommune(
        "29476",
        0.09,
        0.55,
        9.735,
        106.205,
        ("Phum Kampong (ភូមិកំពង់)", "Sóc Tnaot (ភូមិត្នោត)", "Ấp Giồng Lớn", "Ấp Cây Da"),
    ),
    DemoCommune(
        "29489",
        0.09,
        0.65,
        9.655,
        106.330,
        ("Ấp Trà Cuôn (ភូមិត្រាគួន)", "Phum Prek (ភូមិព្រែក)", "Ấp Kim Câu", "Ấp Bến Trị"),
    ),
    DemoCommune(
        "29308", 0.09, 0.40, 9.870, 106.060, ("Ấp Ô Tưng (ភូមិអូរទឹង)", "Ấp Trà Kháo", "Ấp Chợ Cầu Kè", "Ấp Hòa Lộc")
    ),
    DemoCommune("29416", 0.08, 0.35, 9.800, 106.450, ("Ấp Sóc Xoài (ភូមិស្រុកស្វាយ)", "Ấp Mỹ Cẩm", "Ấp Thuận An")),
    DemoCommune("31338", 0.10, 0.03, 9.760, 105.500, ("Ấp Cầu Đúc", "Ấp Thạnh Hòa", "Ấp Tân Phú", "Ấp Mười Tám")),
    DemoCommune("31366", 0.09, 0.02, 9.930, 105.810, ("Ấp Đông Bình", "Ấp Phú Lợi", "Ấp Nhơn Thuận")),
    DemoCommune("31378", 0.08, 0.02, 9.955, 105.860, ("Ấp Phú Xuân", "Ấp Phú Thạnh", "Ấp Phú Lễ")),
    DemoCommune("31495", 0.08, 0.12, 9.610, 105.530, ("Ấp 3", "Ấp 7", "Ấp Tư Sáu", "Sóc Ven Kênh (ភូមិមាត់ព្រែក)")),
    DemoCommune("31471", 0.06, 0.05, 9.680, 105.570, ("Ấp Long Hòa", "Ấp Long Thạnh", "Khu vực 2")),
)
PROVINCES = ("86", "92")
# Trainers of the demo work in communes of former Trà Vinh.
TRAINER_COMMUNES = {"taphuan1": ("29461", "29467"), "taphuan2": ("29476", "29489")}
DISPLAY_NAMES = {
    "admin": "Quản trị hệ thống",
    "giamsat": "Nguyễn Thị Thu Hà",
    "taphuan1": "Thạch Sô Phal",
    "taphuan2": "Trần Văn Hùng",
}

VI_FAMILY = (
    ("Nguyễn", 30),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 6),
    ("Huỳnh", 6),
    ("Võ", 5),
    ("Phan", 4),
    ("Trương", 3),
    ("Đặng", 3),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Hồ", 2),
    ("Ngô", 2),
    ("Dương", 2),
    ("Lý", 2),
    ("Châu", 1),
    ("Lâm", 1),
)
VI_MALE = ("Văn", "Hữu", "Minh", "Thanh", "Quốc", "Công", "Ngọc")
VI_FEMALE = ("Thị", "Ngọc", "Thị Kim", "Thị Thu", "Thị Mỹ", "Thị Hồng")
VI_MALE_GIVEN = ("An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Kiên", "Long", "Nam", "Phúc", "Quang", "Sơn", "Tài")
VI_MALE_GIVEN += ("Tâm", "Thành", "Tuấn", "Lộc", "Hiếu", "Nghĩa", "Trung", "Út", "Khánh", "Phong", "Tùng")
VI_FEMALE_GIVEN = ("Lan", "Mai", "Nga", "Thảo", "Hoa", "Hạnh", "Trinh", "Vy", "Yến", "Hồng", "Nhung", "Phương")
VI_FEMALE_GIVEN += ("Thu", "Diễm", "Loan", "Tuyết", "Xuân", "Bích", "Ngân", "Hà", "Liên", "Út")
# Khmer names as written in Vietnamese papers; some heads also give the name in Khmer script.
KM_FAMILY = (("Thạch", 30), ("Kim", 20), ("Sơn", 18), ("Danh", 10), ("Lâm", 6), ("Chau", 6), ("Trà", 4), ("Kiên", 3))
KM_GIVEN = (
    "Sa Ri",
    "Sô Phai",
    "Chanh Đa",
    "Sa Rết",
    "Phol",
    "Rô Tha",
    "Sóc Khên",
    "Sa Vênh",
    "Sô Phia",
    "Ra Đa",
    "Sóc Kha",
    "Sây",
    "Sa Rươne",
    "Thanh Tùng",
    "Thị Sa Ly",
    "Thị Phol",
    "Thị Mỹ Linh",
    "Thị Sóc Phi",
    "Thị Chanh Thu",
    "Mum",
)
KM_SCRIPT_NAMES = (
    ("Thạch Đa Ra", "ថាច់ ដារ៉ា"),
    ("Kim Sô Kha", "គីម សុខា"),
    ("Sơn Sô Phia", "សឺន សុភា"),
    ("Kim Sa Ri", "គីម សារី"),
    ("Thạch Sô Phal", "ថាច់ សុផល"),
    ("Danh Sam Nang", "ដាញ់ សំណាង"),
    ("Thạch Chanh Thu", "ថាច់ ចាន់ធូ"),
    ("Kim Srây Mum", "គីម ស្រីមុំ"),
    ("Sơn Tha Ra", "សឺន ធារ៉ា"),
    ("Lâm Van Na", "ឡាំ វណ្ណា"),
)

PHONE_PREFIXES = ("086", "096", "097", "098", "032", "033", "035", "037", "039", "088", "091", "094", "083")
PHONE_PREFIXES += ("085", "089", "090", "093", "070", "077", "079")

SESSION_TITLES = {
    "digital_skills": "Tập huấn kỹ năng số cho hộ nông dân",
    "selling_online": "Hướng dẫn mở gian hàng và bán hàng trên sàn",
    "packaging_delivery": "Đóng gói, dán nhãn và giao hàng qua bưu điện",
    "livestream": "Bán hàng qua livestream trên điện thoại",
    "e_payment": "Mở và sử dụng ví điện tử an toàn",
    "online_safety": "Phòng tránh lừa đảo trên mạng",
}

# (name, category, unit, OCOP stars or None): what households of the region sell.
HOUSEHOLD_PRODUCTS = (
    ("Bánh tét Trà Cuôn", "processed_food", "cái", 3),
    ("Cốm dẹp", "processed_food", "kg", None),
    ("Mắm bò hóc", "processed_food", "hũ", None),
    ("Khô cá lóc", "processed_food", "kg", None),
    ("Mật ong hoa dừa", "processed_food", "chai", None),
    ("Chuối sấy dẻo", "processed_food", "gói", None),
    ("Gạo ST25", "rice", "kg", None),
    ("Dưa hấu", "fruit", "kg", None),
    ("Khoai lang tím", "vegetable", "kg", None),
    ("Rau má", "vegetable", "kg", None),
    ("Đậu phộng rang", "processed_food", "kg", None),
    ("Bưởi năm roi", "fruit", "trái", None),
    ("Cam sành", "fruit", "kg", None),
    ("Nước mắm cá linh", "processed_food", "chai", None),
)
COOPERATIVES = (
    ("29308", "Hợp tác xã Dừa sáp Cầu Kè", "Dừa sáp Cầu Kè", "fruit", "trái", 4),
    ("31338", "Hợp tác xã Khóm Cầu Đúc", "Khóm Cầu Đúc", "fruit", "trái", 4),
    ("31366", "Hợp tác xã Nông nghiệp Phú Hữu", "Chả cá thác lác", "processed_food", "hộp", 3),
)
# GS1 Việt Nam company prefixes for the demo (893 + company number).
# Products made only in one commune (Trà Cuôn lies in Xã Hàm Giang).
PRODUCT_HOMES = {"Bánh tét Trà Cuôn": "29489"}
GS1_PREFIXES = ("8936045", "8936112", "8938501")
