"""What the demo's master agreements cover: the programs (one per purchase category, each led
by an Advisory Board agency), their word lists, and the generator of price-file items and
scope descriptions. Pure functions of a ``random.Random``; nothing here touches the database.

The word lists were written for this project; products, brands and prices are fictional.
"""

import dataclasses
import random
from dataclasses import dataclass

from interlocal.agreements.ingest.price_rows import discounted


def word_list(text: str) -> tuple[str, ...]:
    """A comma-separated list, whitespace inside each entry collapsed, duplicates dropped."""
    return tuple(dict.fromkeys(" ".join(w.split()) for w in text.split(",") if w.strip()))


@dataclass(frozen=True)
class Family:
    """A category's products: ``products`` reads "noun | unit | low-high dollars; ..."."""

    products: str
    first: str  # a first attribute (size, model, grade...)
    second: str  # a second attribute (colour, material, pack...)
    service: bool = False  # priced by the hour or the month, usually net (no list price)

    def parsed(self) -> list[tuple[str, str, float, float]]:
        rows = []
        for line in self.products.split(";"):
            noun, unit, prices = (part.strip() for part in line.split("|"))
            low, high = (float(p) for p in prices.split("-"))
            rows.append((noun, unit, low, high))
        return rows


@dataclass(frozen=True)
class Program:
    """A purchase category the program offers, and the lead agency that competes it.

    ``since`` bounds its history (no solicitation before that year) and ``generations`` is how
    many successive agreements it has had, the current one included; ``band`` makes the
    current agreement end within that many days of today (the expiry pipeline); ``awards`` is
    how many suppliers each solicitation awards; ``small`` programs are seeded at every
    scale."""

    key: str
    title: str
    codes: tuple[str, ...]
    lead: str
    since: int
    scope: str = "goods"
    method: str = "rfp"
    awards: int = 1
    generations: int = 1
    band: int | None = None
    small: bool = False
    volume: tuple[int, int] = (20, 120)  # estimated national spend a year, $ millions
    trade: str = ""  # the supplier trade (in ``names._COMPANY_TRADES``) that fits best
    prefix: str = "GEN"  # SKU prefix


OFFICE = "office"
PROGRAMS: tuple[Program, ...] = (
    # The program's first contract (case study): office supplies, Los Angeles County, 1995.
    Program("office", "Office supplies, paper and toner", ("1010", "1030"), "Los Angeles County",
            1995, small=True, volume=(150, 400), trade="Office Supply", prefix="OFS"),
    Program("furniture", "Office, classroom and library furniture", ("1040", "1050"),
            "Fairfax County", 2008, awards=3, small=True, volume=(80, 250), trade="Furniture",
            prefix="FRN"),
    Program("mro", "Facilities maintenance, repair and operations supplies", ("3010",),
            "Maricopa County", 2010, band=90, small=True, volume=(60, 200),
            trade="Industrial Supply", generations=2, prefix="MRO"),
    Program("janitorial", "Janitorial supplies, equipment and paper products", ("3020",),
            "Miami-Dade County", 2009, band=30, small=True, volume=(40, 120),
            trade="Janitorial Supply", generations=2, prefix="JAN"),
    Program("technology", "Computers, peripherals and related services", ("2010",),
            "Hennepin County", 2010, awards=2, band=None, small=True, volume=(100, 350),
            trade="Technology Solutions", generations=2, prefix="TEC"),
    Program("playground", "Playground equipment, surfacing and installation", ("4010",),
            "City of Charlotte", 2012, band=180, small=True, volume=(15, 60),
            trade="Playground Equipment", prefix="PLY"),
    Program("lighting", "Lighting fixtures, lamps and controls", ("3050",), "City of Seattle",
            2014, band=180, small=True, volume=(20, 80), trade="Lighting", prefix="LGT"),
    Program("vehicles", "Light- and medium-duty vehicles", ("6010",), "Dallas County", 2014,
            method="sealed_bid", volume=(80, 300), trade="Fleet Services", generations=2,
            prefix="VEH"),
    Program("park", "Park and site furnishings", ("4020",), "City and County of Denver", 2016,
            volume=(8, 30), trade="Playground Equipment", prefix="PRK"),
    Program("roofing", "Roofing systems, materials and related services", ("3060",),
            "Cook County", 2013, scope="public_works", volume=(30, 110), trade="Roofing",
            prefix="ROF"),
    Program("flooring", "Flooring materials and installation", ("3070",), "San Diego County",
            2017, scope="public_works", volume=(20, 70), trade="Facility Services",
            prefix="FLR"),
    Program("fleet", "Fleet parts, tires and maintenance supplies", ("6020",),
            "Allegheny County", 2015, awards=2, volume=(40, 150), trade="Auto Parts",
            prefix="FLT"),
    Program("electrical", "Electrical supplies and related products", ("3030",),
            "City of Los Angeles", 2012, volume=(30, 120), trade="Electrical Supply",
            prefix="ELC"),
    Program("hvac", "HVAC equipment, parts and installation", ("3040",), "Hennepin County",
            2016, scope="public_works", volume=(25, 90), trade="HVAC Services", prefix="HVC"),
    Program("uniforms", "Uniforms, work apparel and footwear", ("5020",), "Cook County", 2014,
            volume=(15, 60), trade="Uniform", prefix="UNF"),
    Program("safety", "Public safety equipment and supplies", ("5010",), "Dallas County", 2016,
            volume=(25, 90), trade="Public Safety Equipment", prefix="PSE"),
    Program("av", "Audio-visual equipment and classroom technology", ("2040",),
            "Wichita Public Schools", 2017, volume=(15, 50), trade="Technology Solutions",
            prefix="AVE"),
    Program("telecom", "Telecommunications and networking equipment and services", ("2030",),
            "North Carolina State University", 2015, volume=(30, 120), trade="Telecom",
            prefix="TEL"),
    Program("software", "Software licenses and cloud services", ("2020",), "Emory University",
            2018, scope="services", awards=2, volume=(50, 200), trade="Data Systems",
            prefix="SFT"),
    Program("staffing", "Temporary staffing services", ("7010",), "Hennepin County", 2016,
            scope="services", awards=2, volume=(40, 150), trade="Facility Services",
            prefix="STF"),
    Program("records", "Records management, storage and shredding services", ("7030",),
            "Miami-Dade County", 2018, scope="services", volume=(5, 25), trade="Print & Mail",
            prefix="REC"),
    Program("food", "Food service equipment and supplies", ("8020",), "San Diego County",
            2017, volume=(10, 45), trade="Industrial Supply", prefix="FSE"),
    Program("medical", "Medical, first-aid and safety supplies", ("8010",), "Los Angeles County",
            2013, volume=(20, 80), trade="Medical Supply", generations=2, prefix="MED"),
    Program("energy", "Energy services and efficiency solutions", ("9010",),
            "City and County of Denver", 2018, scope="services", volume=(20, 90),
            trade="Energy Services", prefix="NRG"),
    Program("water", "Water and wastewater treatment equipment", ("9020",), "City of Charlotte",
            2015, volume=(15, 60), trade="Water Works", prefix="WTR"),
    Program("school", "School and classroom supplies", ("1020",), "Wichita Public Schools",
            2012, volume=(30, 100), trade="School Supply", prefix="SCH"),
    Program("traffic", "Traffic control devices and signage", ("5030",), "Maricopa County",
            2018, volume=(10, 40), trade="Traffic Safety", prefix="TRF"),
    Program("grounds", "Landscaping and grounds maintenance equipment", ("4040",),
            "North Carolina State University", 2019, volume=(10, 40), trade="Turf & Grounds",
            prefix="GRD"),
    Program("athletic", "Athletic and fitness equipment", ("4030",), "Emory University", 2019,
            volume=(8, 30), trade="Athletic Equipment", prefix="ATH"),
)  # fmt: skip

# The live solicitations (made through the services): a new program for Los Angeles County,
# open for proposals, and one awaiting the Advisory Board's vote.
LIVE_PUBLISHED = Program("ev", "Electric vehicle charging equipment and services",
                         ("9010", "6010"), "Los Angeles County", 2026, volume=(40, 120),
                         trade="Energy Services", prefix="EVC")  # fmt: skip
LIVE_REVIEW = Program("cyber", "Cybersecurity and technology consulting services", ("2050",),
                      "Cook County", 2026, scope="services", volume=(30, 100),
                      trade="Data Systems", prefix="CYB")  # fmt: skip

_GOODS_OFFICE = Family(
    "Copy paper, 8.5 x 11, 20 lb | CS | 32-58;"
    "Recycled copy paper, 30% post-consumer | CS | 36-64;"
    "Ballpoint pens, medium point | DZ | 3-14; Gel pens, retractable | DZ | 9-24;"
    "Highlighters, chisel tip | PK | 4-12; Permanent markers, fine point | DZ | 7-19;"
    "File folders, letter, 1/3 cut tab | BX | 9-26; Hanging file folders | BX | 14-32;"
    "Ring binders, 1 inch | EA | 3-11; Sticky notes, 3 x 3 | PK | 6-21;"
    "Laser toner cartridge, high yield | EA | 72-310; Inkjet cartridge | EA | 18-64;"
    "Stapler, desktop | EA | 9-38; Staples, standard | BX | 2-8;"
    "Envelopes, #10 security tint | BX | 11-36; Legal pads, ruled | DZ | 9-28;"
    "Desk organizer | EA | 8-42; Paper clips, jumbo | BX | 1-5;"
    "Label sheets, address | PK | 14-48; Calculator, printing | EA | 38-120;"
    "Shipping boxes, corrugated | BD | 24-80; Clear packing tape | PK | 9-30",
    "standard, premium, economy, recycled content, professional grade, heavy duty, assorted, "
    "bright white, bulk, letter size",
    "pack of 12, pack of 24, box of 100, case of 10, single, value pack, carton of 5000",
)
_GOODS_FURNITURE = Family(
    "Task chair, mesh back | EA | 180-720; Executive chair, high back | EA | 420-1400;"
    "Stacking chair | EA | 60-240; Student desk, adjustable height | EA | 120-380;"
    "Workstation, L-shaped | EA | 680-2800; Conference table | EA | 700-4200;"
    "Lateral file cabinet | EA | 320-1400; Bookcase, library | EA | 420-1900;"
    "Lounge seating | EA | 520-2400; Training table, flip-top | EA | 280-980;"
    "Height-adjustable desk | EA | 540-1800; Whiteboard, mobile | EA | 240-900;"
    "Storage cabinet, steel | EA | 280-1100; Library shelving, double-faced | SET | 900-3800;"
    "Cafeteria table, mobile | EA | 900-3200",
    "24 x 48, 30 x 60, 36 x 72, 42 inch, 48 inch, 60 inch, 72 inch, compact, standard, large",
    "black, graphite, maple laminate, walnut, gray fabric, navy vinyl, recycled steel, "
    "antimicrobial finish",
)
_GOODS_MRO = Family(
    "Fluorescent lamp ballast | EA | 18-72; Door closer, heavy duty | EA | 60-240;"
    "Exit device, rim type | EA | 180-620; Padlock, keyed alike | EA | 12-48;"
    "Pipe fitting, copper | EA | 2-18; Ball valve, brass | EA | 12-120;"
    "Extension cord, outdoor | EA | 14-68; Cordless drill kit | EA | 110-380;"
    "Safety glasses | DZ | 18-64; Work gloves, cut resistant | DZ | 36-140;"
    "Ladder, fiberglass step | EA | 110-520; Caulk, silicone | EA | 5-14;"
    "Interior paint | GAL | 22-68; Air filter, pleated | CS | 40-160; Hand truck | EA | 90-420;"
    "Fasteners assortment | BX | 9-45; Plumbing repair kit | EA | 8-40;"
    "Wet-dry vacuum | EA | 120-460",
    "1/2 inch, 3/4 inch, 1 inch, 6 ft, 8 ft, 10 ft, 25 ft, 50 ft, standard, commercial grade",
    "pack of 6, pack of 12, single, case of 24, contractor pack, ADA compliant, low VOC",
)
_GOODS_JANITORIAL = Family(
    "Paper towels, multifold | CS | 24-68; Toilet tissue, two-ply | CS | 38-96;"
    "Can liners, high density | CS | 24-88; Hand soap, foam refill | CS | 36-110;"
    "Disinfectant cleaner, concentrate | GAL | 14-48; Glass cleaner | CS | 22-60;"
    "Floor finish | GAL | 18-52; Microfiber mops | DZ | 36-120;"
    "Mop bucket with wringer | EA | 60-220; Auto scrubber pads | CS | 30-96;"
    "Hand sanitizer dispenser | EA | 18-64; Trash receptacle | EA | 18-160;"
    "Vacuum, backpack | EA | 280-760; Neutral floor cleaner | GAL | 9-30;"
    "Restroom deodorizer | CS | 20-70",
    "Green Seal certified, fragrance free, lemon, unscented, 33 gallon, 44 gallon, 56 gallon, "
    "12 inch, 20 inch, standard",
    "case of 4, case of 6, case of 12, case of 250, single, dispenser pack",
)
_GOODS_TECHNOLOGY = Family(
    "Laptop, business class | EA | 780-2400;"
    "Desktop computer, small form factor | EA | 620-1700; Chromebook, education | EA | 240-520;"
    "Monitor, LED | EA | 140-640; Docking station | EA | 140-360;"
    "Tablet, rugged | EA | 620-2200; Laser printer, network | EA | 280-1900;"
    "Multifunction printer | EA | 480-3600; Keyboard and mouse set | EA | 30-110;"
    "Network switch, managed | EA | 340-4200; Solid-state drive | EA | 60-480;"
    "Memory module | EA | 30-260; Uninterruptible power supply | EA | 120-1100;"
    "Headset, USB | EA | 40-180; Extended warranty | EA | 80-420;"
    "Imaging and deployment service | EA | 25-90",
    "14 inch, 15.6 inch, 24 inch, 27 inch, 16 GB, 32 GB, 512 GB, 1 TB, 24-port, 48-port",
    "3-year warranty, 4-year warranty, 5-year warranty, TAA compliant, EPEAT Gold, Energy Star, "
    "education edition",
)
_GOODS_PLAYGROUND = Family(
    "Composite play structure | EA | 18000-140000; Swing set, commercial | EA | 2400-14000;"
    "Slide, freestanding | EA | 1800-9000; Climbing wall | EA | 3600-22000;"
    "Spring rider | EA | 600-2400; Shade structure | EA | 6000-48000;"
    "Poured-in-place surfacing | SF | 9-22; Engineered wood fiber | CY | 28-60;"
    "Rubber tile surfacing | SF | 11-26; Inclusive play panel | EA | 900-4800;"
    "Installation, certified installer | EA | 2000-24000; Border timber | EA | 40-140",
    "ages 2-5, ages 5-12, inclusive, nature themed, ADA accessible, small, medium, large",
    "powder-coated steel, recycled plastic, aluminum, galvanized, HDPE, installed",
)
_GOODS_LIGHTING = Family(
    "LED troffer | EA | 60-240; LED high bay | EA | 180-640; LED area light | EA | 320-1600;"
    "LED wall pack | EA | 120-480; LED retrofit kit | EA | 40-180; LED lamp, A19 | CS | 40-140;"
    "Occupancy sensor | EA | 40-160; Lighting control panel | EA | 900-4800;"
    "Emergency exit sign | EA | 40-180; Pole, round steel | EA | 800-3200;"
    "Photocell | EA | 12-48; Dimmer, 0-10 V | EA | 30-120",
    "2 x 2, 2 x 4, 100 W, 150 W, 200 W, 3000 K, 4000 K, 5000 K, 20 ft, 30 ft",
    "DLC premium, dimmable, wet location, vandal resistant, bronze, white, 10-year warranty",
)
_GOODS_VEHICLES = Family(
    "Sedan, midsize | EA | 24000-38000;"
    "Sport utility vehicle, police package | EA | 42000-58000;"
    "Pickup truck, half-ton | EA | 36000-52000;"
    "Pickup truck, three-quarter-ton | EA | 44000-62000; Cargo van | EA | 40000-56000;"
    "Passenger van, 12-seat | EA | 46000-60000; Cab and chassis, medium duty | EA | 58000-92000;"
    "Electric sedan | EA | 40000-56000; Hybrid SUV | EA | 36000-50000;"
    "Upfit package | EA | 1800-14000; Extended service plan | EA | 1200-4200",
    "2WD, 4WD, AWD, regular cab, crew cab, extended cab, long bed, short bed",
    "base trim, fleet trim, white, silver, black, with towing package, with snow plow prep",
)
_GOODS_PARK = Family(
    "Picnic table, rectangular | EA | 600-2800; Park bench, backed | EA | 480-2400;"
    "Trash receptacle, outdoor | EA | 420-1900; Bike rack | EA | 280-1400;"
    "Grill, pedestal | EA | 220-800; Drinking fountain, bottle filler | EA | 2400-7600;"
    "Planter | EA | 300-2200; Bleachers | EA | 2600-18000; Dog park station | EA | 240-900;"
    "Bollard | EA | 180-1200",
    "4 ft, 6 ft, 8 ft, 10 ft, 32 gallon, 55 gallon, ADA accessible, portable, surface mount",
    "thermoplastic coated, recycled plastic, powder-coated steel, cedar, galvanized, black, "
    "green, brown",
)
_GOODS_ROOFING = Family(
    "TPO membrane | SQ | 180-420; EPDM membrane | SQ | 160-380; Modified bitumen | SQ | 150-360;"
    "Metal roof panel | SQ | 320-840; Roof coating, silicone | GAL | 36-96;"
    "Polyiso insulation board | SF | 1-4; Cover board | SF | 1-3; Roof drain | EA | 120-680;"
    "Flashing, prefabricated | EA | 18-140; Roof hatch | EA | 900-3600;"
    "Roof replacement labor | SQ | 220-640; Roof inspection and report | EA | 400-1800",
    "45 mil, 60 mil, 80 mil, 1.5 inch, 2 inch, 3 inch, white, gray, tan",
    "20-year warranty, 25-year warranty, 30-year warranty, Energy Star, fully adhered, "
    "mechanically attached",
)
_GOODS_FLOORING = Family(
    "Carpet tile | SY | 18-48; Luxury vinyl tile | SF | 3-8; Sheet vinyl | SY | 22-60;"
    "Rubber flooring | SF | 5-14; Porcelain tile | SF | 4-12; Sports flooring | SF | 7-18;"
    "Entrance matting | SF | 12-36; Wall base | LF | 1-4; Installation labor | SF | 2-6;"
    "Floor preparation | SF | 1-4",
    "24 x 24, 18 x 36, 6 x 48, 12 x 12, 2 mm, 3 mm, 5 mm, commercial grade",
    "gray, charcoal, oak, ash, slate, blue, multicolor, recycled content, with adhesive",
)
_GOODS_FLEET = Family(
    "Brake pads | SET | 30-140; Brake rotor | EA | 40-220; Oil filter | CS | 30-90;"
    "Air filter | EA | 12-60; Battery, heavy duty | EA | 110-320; Passenger tire | EA | 90-240;"
    "Light truck tire | EA | 140-360; Wiper blades | PR | 12-40;"
    "Motor oil, synthetic | CS | 38-96; Headlamp assembly | EA | 80-460;"
    "Alternator, remanufactured | EA | 140-420; Shop towels | CS | 30-80",
    "for police interceptor, for half-ton pickup, for transit van, for midsize sedan, "
    "for medium duty truck, universal",
    "OEM, premium aftermarket, remanufactured, all-season, severe duty, 5W-30, 10W-30",
)
_GOODS_ELECTRICAL = Family(
    "THHN wire | FT | 0-2; Conduit, EMT | FT | 1-4; Circuit breaker | EA | 12-220;"
    "Panelboard | EA | 320-2400; Receptacle, duplex | EA | 2-24;"
    "Disconnect switch | EA | 80-620; Junction box | EA | 2-28; Wire connectors | BX | 6-30;"
    "Transformer, dry type | EA | 900-8000; Surge protective device | EA | 120-900;"
    "Cable ties | BG | 4-20; Electrical tape | PK | 4-18",
    "12 AWG, 10 AWG, 3/4 inch, 1 inch, 20 A, 30 A, 100 A, 200 A, 120/240 V, 480 V",
    "UL listed, tamper resistant, weatherproof, stranded, solid, indoor, outdoor",
)
_GOODS_HVAC = Family(
    "Rooftop unit | EA | 6800-38000; Split system | EA | 3200-14000;"
    "Air handler | EA | 2400-18000; Boiler, condensing | EA | 5200-42000;"
    "Thermostat, programmable | EA | 60-380; Variable frequency drive | EA | 600-4800;"
    "Refrigerant | CYL | 120-680; Pleated air filter | CS | 40-160;"
    "Condensate pump | EA | 60-260; Ductwork fabrication | LF | 18-60;"
    "Installation labor | HR | 95-185; Preventive maintenance visit | EA | 180-720",
    "3 ton, 5 ton, 10 ton, 20 ton, MERV 8, MERV 13, 16 SEER, 18 SEER, 120 MBH, 500 MBH",
    "high efficiency, low NOx, with economizer, BACnet, single stage, two stage, installed",
)
_GOODS_UNIFORMS = Family(
    "Work shirt, short sleeve | EA | 14-38; Work pants | EA | 18-48; Coveralls | EA | 36-90;"
    "Hi-visibility vest | EA | 8-30; Rain jacket | EA | 40-140; Safety boots | PR | 80-220;"
    "Polo shirt, embroidered | EA | 18-44; Duty uniform shirt | EA | 36-90;"
    "Duty trousers | EA | 44-110; Winter parka | EA | 90-280; Embroidery, per item | EA | 4-12",
    "small, medium, large, XL, 2XL, 3XL, tall, women's cut, men's cut",
    "navy, khaki, black, forest green, ANSI class 2, ANSI class 3, flame resistant, "
    "moisture wicking",
)
_GOODS_SAFETY = Family(
    "Body armor, concealable | EA | 420-1200; Duty belt | EA | 40-140;"
    "Flashlight, tactical | EA | 60-220; Traffic cone | EA | 12-48; Road flare | CS | 60-160;"
    "First responder bag | EA | 90-420; Self-contained breathing apparatus | EA | 5200-9800;"
    "Fire hose | EA | 180-640; Helmet, structural firefighting | EA | 280-620;"
    "Radio holster | EA | 30-90; Evidence bags | PK | 12-40",
    "level II, level IIIA, 28 inch, 36 inch, 50 ft, 100 ft, 1.75 inch, universal",
    "NFPA compliant, NIJ certified, black, yellow, orange, reflective, with case",
)
_GOODS_AV = Family(
    "Interactive flat panel | EA | 1800-6400; Projector, laser | EA | 900-4200;"
    "Document camera | EA | 120-640; Classroom audio system | EA | 600-2400;"
    "Wireless microphone | EA | 120-720; Display mount | EA | 60-420;"
    "Video conferencing kit | EA | 900-6800; Speaker, ceiling | PR | 120-560;"
    "HDMI cable | EA | 8-60; Media cart | EA | 140-520; Installation service | EA | 180-1200",
    "55 inch, 65 inch, 75 inch, 86 inch, 4K, 1080p, 3 ft, 10 ft, 25 ft",
    "with 5-year warranty, education pricing, wall mounted, mobile, ceiling mounted, black, white",
)
_GOODS_TELECOM = Family(
    "IP desk phone | EA | 120-480; Wireless access point | EA | 280-1400;"
    "Network switch, PoE | EA | 600-5200; Router, branch | EA | 900-6800;"
    "Fiber patch cable | EA | 8-60; Category 6 cable | BOX | 120-360;"
    "Managed network service | MO | 180-2400; SIP trunk | MO | 18-60;"
    "Cellular data plan | MO | 20-60; Structured cabling installation | DROP | 120-320",
    "Wi-Fi 6, Wi-Fi 6E, 24-port, 48-port, 10 Gb, 1 Gb, 1000 ft, 3 m, 10 m",
    "with 3-year support, with 5-year support, indoor, outdoor, TAA compliant, plenum",
)
_SERVICES_SOFTWARE = Family(
    "Productivity suite subscription | USR | 60-420; Cloud storage | TB | 120-720;"
    "Endpoint protection | USR | 20-90; Asset management software | USR | 40-220;"
    "Permitting and licensing software | YR | 12000-90000;"
    "Implementation services | HR | 140-260; Training, instructor-led | DAY | 1200-3600;"
    "Premium support | YR | 2400-24000; Database license | CORE | 1800-9000;"
    "Backup as a service | TB | 90-420",
    "annual, 3-year term, government edition, education edition, tier 1, tier 2, tier 3",
    "per user, per device, per site, hosted, on premises, with onboarding",
    service=True,
)
_SERVICES_STAFFING = Family(
    "Administrative assistant | HR | 28-46; Accounting clerk | HR | 30-52;"
    "Customer service representative | HR | 26-42; Laborer | HR | 24-40;"
    "Equipment operator | HR | 36-62; Information technology specialist | HR | 58-110;"
    "Registered nurse | HR | 72-130; Paralegal | HR | 44-76;"
    "Engineering technician | HR | 48-86; Custodian | HR | 22-36; Election worker | HR | 22-34",
    "entry level, experienced, senior, lead, bilingual, licensed, certified",
    "standard time, overtime, holiday, weekend, temp-to-hire conversion",
    service=True,
)
_SERVICES_RECORDS = Family(
    "Records storage, standard box | MO | 0-1; Records retrieval, routine | EA | 2-8;"
    "Records retrieval, rush | EA | 12-40; Document scanning | PG | 0-1;"
    "Secure shredding, console | EA | 8-24; Secure shredding, purge | LB | 0-1;"
    "Media destruction | EA | 6-30; Records indexing | HR | 30-60;"
    "Pickup and delivery | TRIP | 30-120",
    "standard, rush, scheduled, on-call, on-site, off-site, certified",
    "with certificate of destruction, with chain of custody, per box, per request",
    service=True,
)
_GOODS_FOOD = Family(
    "Commercial refrigerator | EA | 2400-9800; Freezer, reach-in | EA | 2800-10400;"
    "Combi oven | EA | 9800-32000; Convection oven | EA | 3600-12000;"
    "Steam kettle | EA | 6800-24000; Dishwasher, conveyor | EA | 14000-48000;"
    "Food pan, stainless | CS | 60-240; Serving line module | EA | 3200-14000;"
    "Disposable trays | CS | 30-90; Food storage containers | CS | 40-140;"
    "Milk cooler | EA | 1400-4200",
    "1 door, 2 door, 3 door, half size, full size, 6 pan, 10 pan, 40 gallon",
    "stainless steel, Energy Star, NSF certified, electric, gas, compostable",
)
_GOODS_MEDICAL = Family(
    "Nitrile exam gloves | CS | 40-140; First-aid kit, workplace | EA | 30-180;"
    "Automated external defibrillator | EA | 1200-2400; AED pads | PR | 40-90;"
    "Bandages, adhesive | BX | 4-16; Trauma kit | EA | 90-420;"
    "Face masks, procedure | CS | 30-120; Hand sanitizer | CS | 40-110;"
    "Eyewash station | EA | 120-600; Blood pressure monitor | EA | 40-180;"
    "Stretcher | EA | 600-2800",
    "small, medium, large, XL, adult, pediatric, 25 person, 50 person, 100 person",
    "latex free, powder free, ANSI compliant, OSHA compliant, refill, wall mounted",
)
_SERVICES_ENERGY = Family(
    "Investment-grade energy audit | SF | 0-1; LED lighting retrofit | FIX | 90-320;"
    "Building automation upgrade | EA | 12000-140000;"
    "Solar photovoltaic system | KW | 1800-3400; Energy monitoring service | MO | 180-1200;"
    "Retro-commissioning | SF | 0-1; Battery storage system | KWH | 600-1400;"
    "Measurement and verification | YR | 3600-24000;"
    "Electric vehicle charger installation | EA | 2400-12000; Project management | HR | 120-220",
    "small facility, medium facility, large facility, campus, rooftop, ground mount, carport",
    "turnkey, design only, guaranteed savings, with 10-year warranty, with monitoring",
    service=True,
)
_GOODS_WATER = Family(
    "Water meter, ultrasonic | EA | 120-640; Fire hydrant | EA | 2200-4800;"
    "Gate valve | EA | 400-6800; Pipe, ductile iron | LF | 28-140; Pipe, PVC C900 | LF | 8-60;"
    "Chemical feed pump | EA | 900-4800; Submersible pump | EA | 2400-38000;"
    "Repair clamp | EA | 60-420; Chlorine analyzer | EA | 2400-7800;"
    "Meter box and lid | EA | 60-320",
    "5/8 inch, 1 inch, 2 inch, 4 inch, 6 inch, 8 inch, 12 inch, 5 HP, 20 HP",
    "AWWA compliant, NSF 61, lead free, with AMI radio, cast iron, stainless steel",
)
_GOODS_SCHOOL = Family(
    "Crayons | BX | 1-6; Construction paper | PK | 3-12; Composition notebook | DZ | 9-30;"
    "Pencils, no. 2 | BX | 3-14; Glue sticks | PK | 4-16; Scissors, student | DZ | 12-36;"
    "Washable markers | PK | 4-18; Dry erase markers | DZ | 8-26;"
    "Art paint, tempera | GAL | 12-36; Classroom rug | EA | 120-680; Chart paper | PK | 18-48",
    "8 count, 24 count, 64 count, wide ruled, college ruled, assorted colors, primary colors",
    "classroom pack, teacher pack, box of 12, box of 72, non-toxic, recycled",
)
_GOODS_TRAFFIC = Family(
    "Stop sign | EA | 30-120; Speed limit sign | EA | 24-100; Street name sign | EA | 18-80;"
    "Sign post, U-channel | EA | 18-60; Traffic cone | EA | 10-40;"
    "Barricade, type III | EA | 140-420; Pavement marking paint | GAL | 18-48;"
    "Thermoplastic marking | LB | 1-3; Radar speed sign | EA | 2400-6400;"
    "Delineator post | EA | 12-40",
    "18 inch, 24 inch, 30 inch, 36 inch, 8 ft, 10 ft, 12 ft, 28 inch, 36 inch",
    "high intensity prismatic, engineer grade, diamond grade, white, yellow, orange, reflective",
)
_GOODS_GROUNDS = Family(
    "Zero-turn mower | EA | 6800-18000; String trimmer | EA | 240-620;"
    "Backpack blower | EA | 320-720; Hedge trimmer | EA | 260-560;"
    "Utility vehicle | EA | 9800-22000; Chainsaw | EA | 320-980;"
    "Irrigation controller | EA | 240-1800; Turf seed | BG | 60-240; Fertilizer | BG | 18-60;"
    "Mulch | CY | 24-60",
    "48 inch, 60 inch, 72 inch, gas, battery, diesel, commercial, residential grade",
    "with 2-year warranty, with 5-year warranty, sports turf, native blend, slow release",
)
_GOODS_ATHLETIC = Family(
    "Treadmill, commercial | EA | 4800-12000; Elliptical trainer | EA | 3800-9400;"
    "Weight bench | EA | 240-1200; Dumbbell set | SET | 600-3800;"
    "Basketball system | EA | 2400-9800; Soccer goal | PR | 900-4800; Gym mat | EA | 120-480;"
    "Scoreboard | EA | 3200-18000; Volleyball net system | EA | 900-3600;"
    "Rubber flooring tile | EA | 30-90",
    "competition, training, youth, adult, portable, wall mounted, in-ground, 2 inch, 4 inch",
    "black, blue, red, with installation, with 5-year warranty, commercial grade",
)
FAMILIES: dict[str, Family] = {
    "office": _GOODS_OFFICE,
    "furniture": _GOODS_FURNITURE,
    "mro": _GOODS_MRO,
    "janitorial": _GOODS_JANITORIAL,
    "technology": _GOODS_TECHNOLOGY,
    "playground": _GOODS_PLAYGROUND,
    "lighting": _GOODS_LIGHTING,
    "vehicles": _GOODS_VEHICLES,
    "park": _GOODS_PARK,
    "roofing": _GOODS_ROOFING,
    "flooring": _GOODS_FLOORING,
    "fleet": _GOODS_FLEET,
    "electrical": _GOODS_ELECTRICAL,
    "hvac": _GOODS_HVAC,
    "uniforms": _GOODS_UNIFORMS,
    "safety": _GOODS_SAFETY,
    "av": _GOODS_AV,
    "telecom": _GOODS_TELECOM,
    "software": _SERVICES_SOFTWARE,
    "staffing": _SERVICES_STAFFING,
    "records": _SERVICES_RECORDS,
    "food": _GOODS_FOOD,
    "medical": _GOODS_MEDICAL,
    "energy": _SERVICES_ENERGY,
    "water": _GOODS_WATER,
    "school": _GOODS_SCHOOL,
    "traffic": _GOODS_TRAFFIC,
    "grounds": _GOODS_GROUNDS,
    "athletic": _GOODS_ATHLETIC,
    "ev": _SERVICES_ENERGY,
    "cyber": _SERVICES_SOFTWARE,
}


@dataclass(frozen=True)
class Item:
    """One price-file line, in cents; ``discount_bps`` is set when the supplier quoted a
    discount off list and the contract price was computed from it."""

    sku: str
    description: str
    unit: str
    list_price_cents: int | None
    contract_price_cents: int
    discount_bps: int | None


def _list_cents(rng: random.Random, low: float, high: float) -> int:
    """A list price between ``low`` and ``high`` dollars (log-uniform: cheap items are many),
    ending in .49 or .99 above a dollar, at least 25 cents."""
    low = max(low, 0.25)
    dollars = low * (max(high, low + 0.5) / low) ** rng.random()
    if dollars < 1:
        return max(25, round(dollars * 100))
    return int(dollars) * 100 + rng.choice((49, 99))


def generate_items(rng: random.Random, program: Program, count: int) -> list[Item]:
    """``count`` distinct items of ``program``'s family: SKUs unique, descriptions unique,
    contract prices 10-40% below list (exact cents). About one item in five is priced as a
    discount off list; services are often net-priced (no list price)."""
    family = FAMILIES[program.key]
    products = family.parsed()
    first, second = word_list(family.first), word_list(family.second)
    space = len(products) * len(first) * len(second)
    packs = max(1, -(-count // space))  # more variants only when the word lists run out
    picks = rng.sample(range(space * packs), count)
    items = []
    number = rng.randrange(10_000, 40_000)
    for pick in sorted(picks):
        pick, variant = divmod(pick, packs)
        pick, b = divmod(pick, len(second))
        p, a = divmod(pick, len(first))
        noun, unit, low, high = products[p]
        description = f"{noun}, {first[a]}, {second[b]}"
        if variant:  # past the word lists: price zones for services, model series for goods
            description += (
                f", zone {variant + 1}" if family.service else f", series {variant + 1}00"
            )
        number += rng.randrange(1, 40)
        list_cents = _list_cents(rng, low, high)
        discount = rng.randrange(1000, 4001, 25)
        draw = rng.random()
        net = family.service and draw < 0.5  # a net rate: no list price to discount from
        quoted = not net and draw >= 0.8  # the supplier quoted the discount itself
        items.append(
            Item(
                sku=f"{program.prefix}-{number}",
                description=description,
                unit=unit,
                list_price_cents=None if net else list_cents,
                contract_price_cents=discounted(list_cents, discount),
                discount_bps=discount if quoted else None,
            )
        )
    return items


def revised_items(rng: random.Random, program: Program, items: list[Item]) -> list[Item]:
    """The next price-file version: most items re-priced (an annual adjustment of -2% to +6%
    on list, the discount kept), a few discontinued and more added."""
    kept = [item for item in items if rng.random() > 0.04]
    revised = []
    for item in kept:
        change = rng.randrange(-200, 601, 25)  # basis points
        if item.list_price_cents is None:
            price = discounted(item.contract_price_cents, -change)
            revised.append(Item(item.sku, item.description, item.unit, None, price, None))
            continue
        new_list = discounted(item.list_price_cents, -change)
        # the contract discount off the old list holds against the new list
        bps = item.discount_bps
        if bps is None:
            bps = round(10000 * (1 - item.contract_price_cents / item.list_price_cents))
            bps = min(4000, max(1000, bps))
        price = discounted(new_list, bps)
        revised.append(
            Item(item.sku, item.description, item.unit, new_list, price, item.discount_bps)
        )
    # the line grows: as many new items as were dropped, and about 5% more
    wanted = len(items) - len(kept) + max(1, len(items) // 20)
    descriptions, skus = {i.description for i in revised}, {i.sku for i in revised}
    added = [
        dataclasses.replace(item, sku=f"{item.sku}N")
        for item in generate_items(rng, program, 2 * wanted)
        if item.description not in descriptions and f"{item.sku}N" not in skus
    ][:wanted]
    return sorted(revised + added, key=lambda item: item.sku)


SERVICE_WORDS = word_list("""
next-day delivery to the desktop, online ordering with punch-out to agency e-procurement
systems, a dedicated public-sector account manager, quarterly usage and savings reports,
sustainability reporting, recycling and take-back programs, product training for agency staff,
emergency and disaster response supply, small and diverse business subcontracting, warranty
service nationwide, installation and removal of packaging, design and space-planning support
""")

SCOPE_ADDITIONS = word_list(
    "installation and removal services, extended warranties, trade-in and recycling of used "
    "products, equipment rental, training for agency staff, emergency response supply"
)


def describe_scope(rng: random.Random, program: Program, lead: str) -> str:
    """The scope of work, in the way a lead agency writes it, from the program's word lists."""
    family = FAMILIES[program.key]
    nouns = [noun.split(",")[0].lower() for noun, *_ in family.parsed()]
    chosen = rng.sample(nouns, min(5, len(nouns)))
    services = rng.sample(SERVICE_WORDS, 3)
    kind = "services" if program.scope == "services" else "products and related services"
    return (
        f"{lead}, as lead agency for the program, seeks {kind} for "
        f"{program.title.lower()} on behalf of itself and of participating public agencies "
        f"nationwide. The scope includes {', '.join(chosen[:-1])} and {chosen[-1]}, with the "
        f"full range of related items the supplier offers. Suppliers shall provide "
        f"{services[0]}, {services[1]} and {services[2]}. Prices are firm for the first year "
        f"and may be adjusted annually thereafter by amendment, against a published index. "
        f"Each participating agency orders directly from the supplier under the master "
        f"agreement."
    )


CRITERIA_POOL = (
    ("Qualifications and experience", "Experience serving public agencies of every size."),
    ("Product and service range", "Breadth and quality of the products or services offered."),
    ("National distribution and capacity", "Ability to serve agencies in every state."),
    ("Account management and reporting", "Dedicated staff, ordering systems and reports."),
    ("Sustainability", "Environmentally preferable products and practices."),
    ("Small and diverse business participation", "Use of small and diverse businesses."),
    ("Implementation and marketing plan", "How the agreement will reach agencies nationwide."),
)


def criteria(rng: random.Random, method: str) -> list[tuple[str, int, str]]:
    """Evaluation criteria (name, weight, description) whose weights sum to 100."""
    if method == "sealed_bid":
        return [
            ("Total bid price", 80, "Lowest responsive total of the bid schedule scores highest."),
            ("Responsiveness and responsibility", 20, "Complete bid, references and capacity."),
        ]
    others = rng.sample(CRITERIA_POOL, rng.randint(3, 5))
    price = rng.choice((25, 30, 35, 40))
    # the rest of the hundred, in multiples of 5, each criterion at least 5
    shares = [1] * len(others)
    for _ in range((100 - price) // 5 - len(others)):
        # no criterion outweighs price; the smallest shares grow first when others are full
        open_ = [i for i, share in enumerate(shares) if 5 * (share + 1) < price]
        shares[rng.choice(open_) if open_ else shares.index(min(shares))] += 1
    rows = [("Pricing and value", price, "Contract prices, discounts and total cost.")]
    rows += [(name, 5 * share, text) for (name, text), share in zip(others, shares, strict=True)]
    return rows
