"""The agency universe: every entity that could take part, registered or not."""

from django.db import models

from interlocal.core.models import County, State
from interlocal.registry.normalise import normalise_name


class AgencyType(models.TextChoices):
    COUNTY = "county", "County"
    MUNICIPALITY = "municipality", "Municipality"
    TOWNSHIP = "township", "Township"
    SPECIAL_DISTRICT = "special_district", "Special district"
    SCHOOL_DISTRICT = "school_district", "Independent school district"
    PUBLIC_COLLEGE = "public_college", "Public college or university"
    PRIVATE_COLLEGE = "private_college", "Private non-profit college or university"
    STATE_AGENCY = "state_agency", "State government or agency"
    TRIBAL_GOVERNMENT = "tribal_government", "Tribal government"
    NONPROFIT = "nonprofit", "501(c)(3) non-profit"
    OTHER_PUBLIC = "other_public", "Other public entity"


LOCAL_GOVERNMENT_TYPES = [
    AgencyType.COUNTY,
    AgencyType.MUNICIPALITY,
    AgencyType.TOWNSHIP,
    AgencyType.SPECIAL_DISTRICT,
    AgencyType.SCHOOL_DISTRICT,
]


class SpecialDistrictFunction(models.TextChoices):
    """What a special district does (after the Census of Governments function classes)."""

    FIRE_PROTECTION = "fire_protection", "Fire protection"
    AMBULANCE = "ambulance", "Ambulance and emergency medical"
    WATER = "water", "Water supply"
    SEWER = "sewer", "Sewerage"
    WATER_SEWER = "water_sewer", "Water and sewer"
    SOLID_WASTE = "solid_waste", "Solid waste"
    DRAINAGE = "drainage", "Drainage"
    FLOOD_CONTROL = "flood_control", "Flood control"
    IRRIGATION = "irrigation", "Irrigation"
    SOIL_WATER_CONSERVATION = "soil_water_conservation", "Soil and water conservation"
    NATURAL_RESOURCES = "natural_resources", "Other natural resources"
    HOUSING = "housing", "Housing authority"
    COMMUNITY_DEVELOPMENT = "community_development", "Community development"
    METROPOLITAN = "metropolitan", "Metropolitan (multi-service)"
    LIBRARY = "library", "Library"
    PARKS_RECREATION = "parks_recreation", "Parks and recreation"
    CEMETERY = "cemetery", "Cemetery"
    MOSQUITO_ABATEMENT = "mosquito_abatement", "Mosquito abatement"
    HOSPITAL = "hospital", "Hospital"
    HEALTH = "health", "Health"
    ROAD = "road", "Roads and bridges"
    TRANSIT = "transit", "Transit"
    AIRPORT = "airport", "Airport"
    PORT = "port", "Port or harbor"
    UTILITY = "utility", "Electric or gas utility"
    SCHOOL_BUILDING = "school_building", "School building"
    OTHER = "other", "Other or multiple functions"


class ParticipationRoute(models.TextChoices):
    SELF_REGISTERED = "self_registered", "Self-registered"
    ENROLLED_BY_OFFICE = "enrolled_by_office", "Enrolled by the program office"
    SALES_REPORT = "sales_report", "First seen in a supplier's sales report"


class AgencyQuerySet(models.QuerySet["Agency"]):
    def participating(self) -> "AgencyQuerySet":
        return self.filter(participating_since__isnull=False)

    def visible_to(self, user: object) -> "AgencyQuerySet":
        # The directory is public record: every agency is visible to everyone. Purchases and
        # contacts are scoped in their own querysets.
        return self.all()


class Agency(models.Model):
    """A public, education or non-profit entity in the agency universe.

    An agency becomes a *participating agency* when it registers (free) or is first seen in a
    supplier's sales report; ``participating_since`` and ``participation_route`` record that.
    A department (a sheriff's office) rolls up to its ``parent`` (the county).
    """

    name = models.CharField(max_length=200)
    search_name = models.CharField(max_length=200, db_index=True, editable=False)
    agency_type = models.CharField(max_length=24, choices=AgencyType.choices, db_index=True)
    special_district_function = models.CharField(
        max_length=30, choices=SpecialDistrictFunction.choices, blank=True
    )
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="agencies")
    county = models.ForeignKey(
        County, null=True, blank=True, on_delete=models.PROTECT, related_name="agencies"
    )
    census_id = models.CharField(
        "Census government ID",
        max_length=14,
        unique=True,
        null=True,
        blank=True,
        help_text="14-digit government unit ID from the Census of Governments.",
    )
    nces_id = models.CharField("NCES district ID", max_length=7, null=True, blank=True, unique=True)
    ipeds_id = models.CharField("IPEDS ID", max_length=6, null=True, blank=True, unique=True)
    ein = models.CharField("EIN", max_length=9, blank=True, db_index=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    enrollment = models.PositiveIntegerField(null=True, blank=True)
    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    zip_code = models.CharField(max_length=10, blank=True)
    website = models.URLField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    participating_since = models.DateField(null=True, blank=True, db_index=True)
    participation_route = models.CharField(
        max_length=24, choices=ParticipationRoute.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        indexes = [
            # the directory's filters, and the analytics' universe and participants by state
            # and type (read from the index alone)
            models.Index(
                fields=["state", "agency_type", "participating_since"],
                name="agency_by_place_and_joining",
            ),
            # new participants by month and route (the analytics' penetration page)
            models.Index(
                fields=["participating_since", "participation_route", "agency_type", "state"],
                name="agency_joined_by_month",
            ),
            models.Index(fields=["state", "search_name"]),
            # the directory's default order (name, then id for a stable page boundary)
            models.Index(fields=["name", "id"], name="agency_directory_order"),
        ]
        constraints = [
            models.CheckConstraint(
                name="participation_has_route",
                condition=models.Q(participating_since__isnull=True, participation_route="")
                | models.Q(participating_since__isnull=False) & ~models.Q(participation_route=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.state.postal})" if self.state_id else self.name

    def save(self, *args, **kwargs):
        self.search_name = normalise_name(self.name)
        super().save(*args, **kwargs)

    @property
    def is_participating(self) -> bool:
        return self.participating_since is not None

    @property
    def size(self) -> int | None:
        return self.population if self.population is not None else self.enrollment


class AgencyDomain(models.Model):
    """A web or email domain that belongs to an agency. A verified domain lets registrants
    with an address at it be approved at once."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253, unique=True)
    verified = models.BooleanField(default=False)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class AgencyAlias(models.Model):
    """Another name for an agency, such as the one a supplier uses in its sales reports. An
    alias with a supplier is that supplier's own; one without is global. Sales-report matching
    looks both up within the agency's state."""

    class Source(models.TextChoices):
        PROGRAM_OFFICE = "program_office", "Program office"
        SALES_REPORT = "sales_report", "Supplier sales report"
        IMPORT = "import", "Import file"

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    search_name = models.CharField(max_length=200, db_index=True, editable=False)
    source = models.CharField(max_length=20, choices=Source.choices)
    supplier = models.ForeignKey(
        "registry.Supplier",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="agency_aliases",
        help_text="The supplier whose reports use this name; empty for a name anyone may use.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agency aliases"
        constraints = [
            models.UniqueConstraint(fields=["agency", "search_name"], name="unique_alias")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = normalise_name(self.name)
        super().save(*args, **kwargs)


class ExemptOrganization(models.Model):
    """One row of the IRS Exempt Organizations Business Master File, the evidence that an
    EIN belongs to a 501(c)(3) in good standing."""

    ein = models.CharField("EIN", max_length=9, unique=True)
    name = models.CharField(max_length=200)
    city = models.CharField(max_length=100, blank=True)
    state_postal = models.CharField(max_length=2, blank=True)
    subsection = models.CharField(max_length=2)
    status = models.CharField(max_length=2)
    ruling = models.CharField(max_length=6, blank=True)
    ntee_code = models.CharField(max_length=4, blank=True)
    source = models.CharField(max_length=200, blank=True, help_text="File it was imported from.")
    imported_at = models.DateTimeField(auto_now=True)
    delisted_on = models.DateField(
        null=True,
        blank=True,
        help_text="Day an import of this state's file no longer listed it (revoked or gone).",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} (EIN {self.ein})"
