"""Who governs and endorses the program: sponsors, the Foundation and the Advisory Board."""

from django.conf import settings
from django.db import models

from interlocal.registry.models.agencies import Agency


class Sponsor(models.Model):
    """A non-profit association that endorses the program and receives fee distributions.

    ``represents`` lists the agency types whose members it speaks for (NACo: counties).
    """

    name = models.CharField(max_length=200, unique=True)
    acronym = models.CharField(max_length=20, unique=True)
    represents = models.JSONField(default=list, help_text="Agency types this sponsor represents.")
    website = models.URLField(blank=True)
    is_managing_sponsor = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})"


class Foundation(models.Model):
    """The non-profit that governs the program; its board is made of the sponsors."""

    name = models.CharField(max_length=200)
    mission = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name


class FoundationBoardSeat(models.Model):
    """A sponsor's seat on the Foundation's governing board, held by a named person."""

    foundation = models.ForeignKey(Foundation, on_delete=models.CASCADE, related_name="board_seats")
    sponsor = models.ForeignKey(Sponsor, on_delete=models.PROTECT, related_name="board_seats")
    person_name = models.CharField(max_length=150)
    office = models.CharField(max_length=100, blank=True, help_text="Chair, Treasurer…")
    term_start = models.DateField()
    term_end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["sponsor__name"]

    def __str__(self) -> str:
        return f"{self.person_name} ({self.sponsor.acronym})"


class AdvisoryBoardMember(models.Model):
    """A public purchasing professional of a member agency who reviews solicitations and
    awards, for a term."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="advisory_members")
    person_name = models.CharField(max_length=150)
    title = models.CharField(max_length=150, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="advisory_seats",
    )
    term_start = models.DateField()
    term_end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["agency__name"]

    def __str__(self) -> str:
        return f"{self.person_name}, {self.agency.name}"
