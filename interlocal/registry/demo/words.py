"""Word lists for the demo's fictional public-entity names (written for this project, not
copied from any gazetteer), and the state groups whose naming customs they follow."""


def word_list(text: str) -> tuple[str, ...]:
    """A comma-separated word list, duplicates dropped, order kept."""
    return tuple(dict.fromkeys(w.strip() for w in text.split(",") if w.strip()))


def codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


SURNAMES = word_list("""
Washington, Adams, Jefferson, Madison, Monroe, Jackson, Van Buren, Harrison, Tyler, Polk,
Taylor, Fillmore, Pierce, Buchanan, Lincoln, Johnson, Grant, Hayes, Garfield, Arthur,
Cleveland, McKinley, Roosevelt, Taft, Wilson, Harding, Coolidge, Hoover, Truman, Boone, Clark,
Lewis, Crockett, Houston, Austin, Pike, Fremont, Carson, Bridger, Marion, Greene, Wayne, Knox,
Putnam, Warren, Montgomery, Hamilton, Franklin, Morgan, Marshall, Clay, Calhoun, Webster,
Benton, Douglas, Logan, Perry, Decatur, Lafayette, Pulaski, Sumner, Hancock, Henry, Randolph,
Shelby, Sevier, Robertson, Bowie, Travis, Fannin, Lamar, Burnet, Hale, Kearney, Custer,
Sheridan, Sherman, Meade, Thomas, Jasper, Crawford, Fayette, Mercer, Armstrong, Butler, Fulton,
Hardin, Harlan, Hopkins, Porter, Ross, Scott, Stark, Stokes, Sullivan, Tipton, Todd, Harmon,
Bradford, Whitfield, Ashby, Caldwell, Carver, Colby, Dalton, Easton, Fairbanks, Garrison,
Hadley, Hollis, Kendall, Langley, Mayfield, Merritt, Norwood, Pembroke, Prescott, Radford,
Sheldon, Stanton, Thornton, Upton, Wakefield, Weston, Whitman, Winslow, Yates, Baxter, Barlow,
Bingham, Brewster, Calloway, Chandler, Cooper, Davenport, Dunbar, Ellis, Emerson, Fletcher,
Foster, Gaines, Gibson, Goodwin, Hardy, Hawkins, Hayden, Holt, Howell, Hubbard, Ingram,
Jennings, Keller, Kirby, Lowell, Lyman, Mason, Maxwell, Nash, Newell, Osborne, Parker, Payne,
Perkins, Pratt, Quincy, Ramsey, Reed, Rollins, Russell, Sawyer, Slater, Spencer, Stafford,
Sutton, Tanner, Thayer, Tucker, Vance, Walker, Wheeler, Whitney, Wilder, Woodward, Wright,
Abbott, Ainsworth, Alden, Ames, Atwood, Bancroft, Barton, Belden, Bishop, Blair, Bowen, Boyd,
Brooks, Burke, Burton, Camden, Carlisle, Carroll, Chase, Cody, Conway, Cowan, Dawson, Dayton,
Denton, Dixon, Dorsey, Drake, Dudley, Dunn, Eaton, Elliott, Ferris, Fisher, Ford, Fowler,
Gilbert, Glover, Gordon, Graham, Graves, Griffin, Hall, Hammond, Harper, Hart, Hastings, Hays,
Hobart, Holland, Hudson, Hunt, Irving, Jewett, Kent, Kimball, Kingsley, Lane, Lawrence, Lyon,
Mann, Mitchell, Moore, Morris, Morton, Nelson, Newton, Nichols, Norris, Oliver, Otis, Page,
Palmer, Parsons, Peck, Phelps, Pickens, Preston, Quinn, Rankin, Ray, Rice, Riley, Rowe, Rusk,
Sargent, Seward, Sharp, Sims, Swift, Terry, Tracy, Turner, Tuttle, Wade, Wallace, Ward, Watts,
Wells, Whitaker, Willis, Audubon, Bartlett, Beckett, Blaine, Brady, Brandt, Calvert, Cass,
Clinton, Corbin, Crane, Darby, Delaney, Eldridge, Fenwick, Fielding, Fitch, Gale, Gentry,
Grayson, Halsey, Hendricks, Hollister, Hutchins, Jarvis, Kerr, Lamont, Landry, Lockhart,
Mackey, Marlow, Monroe, Nolan, Ogden, Pemberton, Pryor, Redding, Sampson, Shaw, Sinclair,
Stoddard, Talbot, Tillman, Tolliver, Underwood, Vail, Vaughn, Waverly, Whiting, Winfield
""")
JOIN_HEADS = word_list("""
Cedar, Oak, Pine, Maple, Elm, Willow, Ash, Birch, Spring, Rock, Stone, Clear, Green, Fair,
Glen, Brook, Mill, River, Lake, Bear, Eagle, Fox, Deer, Elk, Red, White, Black, Silver, Gold,
High, Long, Wood, Hazel, Holly, Bell, Marsh, Star, Moss, Fern, Rose, Bridge, Wheat, Clover,
Brent, Cran, Dun, Hart, Kings, Lang, Rich, Whit, North, South, East, West, Middle, New, Bloom,
Plain, Spring, Sunny, Sand, Shel, Wal, Win, Ed, Al, Ken, Har, Chester, Bran, Em, Lin, Mar
""")
JOIN_TAILS = word_list("""
brook, field, ville, ton, wood, dale, burg, port, ford, view, crest, haven, land, mont, ridge,
side, water, well, worth, bury, by, ham, stead, wick, ley, more, mouth, dell, gate, vale
""")
SPACED_HEADS = word_list("""
Cedar, Oak, Pine, Maple, Elm, Willow, Birch, Spring, Rock, Stone, Clear, Green, Fair, Mill,
River, Bear, Eagle, Fox, Deer, Elk, Red, White, Black, Silver, Golden, Cherry, Apple, Walnut,
Hickory, Chestnut, Laurel, Poplar, Cypress, Magnolia, Spruce, Juniper, Sycamore, Aspen,
Cottonwood, Buffalo, Hawk, Crane, Heron, Beaver, Otter, Wolf, Turkey, Quail, Pleasant, Prairie,
Meadow, Broad, Mountain, Forest, Sandy, Salt, Iron, Copper, Crystal, Sugar, Honey, Pebble,
Shady, Misty, Windy, Rocky, Grand, Summit, Granite, Flint, Pearl, Cotton, Orchard, Pecan,
Olive, Hidden, Twin, Big, Little, Cold, Deep, Still, Round, Hope, Liberty, Union, Harmony,
Concord, Unity, Blue, Lone, Rolling, Crooked, Muddy, Swan, Pigeon, Raven, Wild, Stony, Indigo
""")
SPACED_TAILS = word_list("""
Falls, Springs, Ridge, Creek, Valley, Heights, Park, Grove, Hills, Lake, Point, Harbor, Bluff,
Junction, Crossing, Prairie, Meadows, Landing, Hollow, Mills, Fork, Bend, Center, City,
Plains, Rapids, Shores, Gap, Run, Station, Woods, Flats, Cove, Bay, Lakes, Corners, Glen,
Knoll, Brook, Ford, Pines, Oaks, Terrace, Island
""")
WEST_TAILS = word_list("Mesa, Canyon, Butte, Gulch, Wells, Peak, Basin, Flat, Draw, Rim")
SURNAME_FORMS = word_list("""
{}ville, {}ton, {}burg, {}town, {}field, Fort {}, Mount {}, Port {}, New {}, {} City,
{} Springs, {} Heights, {} Center, {} Junction, {} Mills, {}, Lake {}, {} Grove, {} Park
""")
SAINTS_M = word_list("""
Marcos, Rafael, Lorenzo, Benito, Jacinto, Isidro, Ramon, Felipe, Gabriel, Andres, Mateo,
Pablo, Tomas, Carlos, Martin, Simon, Lucas, Joaquin, Miguel, Esteban
""")
SAINTS_F = word_list(
    "Rosa, Clara, Lucia, Elena, Teresa, Paula, Inez, Rita, Isabel, Margarita, Marta"
)
SPANISH_F = word_list("Loma, Vista, Mesa, Sierra, Laguna, Playa, Alameda, Cuesta, Colina")
SPANISH_M = word_list("Rio, Arroyo, Valle, Paso, Puerto, Cerro, Llano, Ojo, Campo")
ADJ_F = word_list("Verde, Alta, Linda, Grande, Blanca, Bonita, Seca, Hermosa, Dorada, Vieja, Azul")
ADJ_M = word_list("Verde, Alto, Lindo, Grande, Blanco, Bonito, Seco, Hermoso, Dorado, Viejo, Claro")
LOS_LAS = word_list("""
Los Alamos, Los Robles, Los Pinos, Los Olivos, Los Arcos, Los Molinos, Los Cerritos,
Las Palmas, Las Flores, Las Lomas, Las Piedras, Las Brisas, Las Colinas, Las Rocas
""")
DEL = word_list("Mar, Sol, Norte, Rio, Valle, Oro, Monte, Lago")
SPANISH_SHARE = {"NM": 35, "CA": 25, "AZ": 22, "TX": 15, "CO": 12, "NV": 12, "FL": 8}
WEST = codes("AZ CA CO ID MT NM NV OR UT WA WY")
TOWNSHIP_COMMON = word_list("""
Union, Liberty, Center, Franklin, Jackson, Washington, Harrison, Pleasant, Richland, Fairview,
Salem, Clinton, Madison, Jefferson, Lincoln, Greene, Perry, Monroe, Marion, Green, Wayne,
Pleasant Valley, Mount Pleasant, Plainfield, Lake, Sherman, Grant, Scott, Butler, Morgan, Elk,
Eden, Hope, Harmony, Concord, Independence, Freedom, Prairie, Rock Creek, Cedar, Oak Grove,
Pine, Maple Grove, Walnut, Hickory, Bloomfield, Springfield, Fairfield, Greenfield, Richfield,
Westfield, Northfield, Sugar Creek, Spring Creek, Mill Creek, Deer Creek, Lakeview, Riverside
""")
DISAMBIGUATORS = ("North", "South", "East", "West", "New", "Upper", "Lower", "Central")

TOWN_STATES = codes("CT ME MA NH RI VT NY WI")
VILLAGE_STATES = codes("NY OH MI IL WI NE MO NM VT LA MD TX FL")
COUNTYWIDE_SCHOOL_STATES = codes("AL FL GA KY LA MS SC TN WV NV UT MD VA NC")
