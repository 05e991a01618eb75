"""Between the pure table (perdiem.Rate) and database rows (models.PerDiemStandard).

No model import here, so the data migration can use it with its historical models.
"""

from waishi.policy.perdiem import PerDiemTable, Rate


def standard_fields(table: PerDiemTable) -> list[dict]:
    """Field values of one PerDiemStandard per row of `table`, in the table's order."""
    return [
        {
            "position": position,
            "continent": rate.continent_zh,
            "country": rate.country,
            "country_zh": rate.country_zh,
            "cities": "、".join(rate.cities),
            "other_cities": rate.other_cities,
            "city_aliases": "; ".join(table.aliases_for(rate))[:1000],
            "currency": rate.currency,
            "lodging": rate.lodging,
            "meals": rate.meals,
            "incidentals": rate.incidentals,
        }
        for position, rate in enumerate(table.rows, start=1)
    ]


def rate_of(standard) -> Rate:
    """The Rate a stored PerDiemStandard row stands for."""
    return Rate(
        country=str(standard.country),
        country_zh=standard.country_zh,
        continent_zh=standard.continent,
        cities=tuple(c for c in standard.cities.split("、") if c),
        other_cities=standard.other_cities,
        currency=standard.currency,
        lodging=standard.lodging,
        meals=standard.meals,
        incidentals=standard.incidentals,
    )
