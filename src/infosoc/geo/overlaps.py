"""Regions that overlap one another: a tile whose centre lies in two of them is counted in one
only, so a boundary set that overlaps gets a note naming the pairs (docs/divide.md)."""

from __future__ import annotations

import numpy as np

from .regions import Regions

#: Two regions overlap when the area they share is more than this share of the smaller one;
#: below it, slivers where two neighbours were digitised apart are let be.
OVERLAP_TOLERANCE = 0.01
_OVERLAP_CHUNK = 64  # regions, then pairs, looked at at once


def overlapping(
    regions: Regions, tolerance: float = OVERLAP_TOLERANCE, limit: int = 20
) -> list[tuple[str, str]]:
    """The pairs of regions (keys, in the file's order) that share more than ``tolerance`` of
    the smaller one's area, at most ``limit`` of them: a tile there is counted in one only.

    Neighbours come from an STRtree of the boundaries, a few regions at a time so that a file
    of thousands of regions piled on one another cannot fill the memory with pairs; the areas
    shared are computed only for the pairs whose interiors meet, which regions that tile a
    country never do.
    """
    import shapely

    geoms = regions.geometries
    found: list[tuple[str, str]] = []
    if len(geoms) < 2:
        return found
    tree = shapely.STRtree(geoms)
    for start in range(0, len(geoms), _OVERLAP_CHUNK):
        first, second = tree.query(geoms[start : start + _OVERLAP_CHUNK])
        first = first + start
        keep = first < second
        order = np.lexsort((second[keep], first[keep]))
        first, second = first[keep][order], second[keep][order]
        # Pairs a slice at a time, so that the search stops at ``limit`` pairs found.
        for at in range(0, len(first), _OVERLAP_CHUNK):
            a, b = first[at : at + _OVERLAP_CHUNK], second[at : at + _OVERLAP_CHUNK]
            meet = shapely.relate_pattern(geoms[a], geoms[b], "T********")
            a, b = a[meet], b[meet]
            if not len(a):
                continue
            shared = shapely.area(shapely.intersection(geoms[a], geoms[b]))
            smaller = np.minimum(shapely.area(geoms[a]), shapely.area(geoms[b]))
            over = shared > tolerance * smaller
            found += [
                (regions.keys[i], regions.keys[j])
                for i, j in zip(a[over].tolist(), b[over].tolist(), strict=True)
            ]
            if len(found) >= limit:
                return found[:limit]
    return found
