"""The states' outlines for maps drawn on the server (the board report's PDF): the Census
Bureau's cartographic boundaries (public domain) as the npm package ``us-atlas`` ships them,
projected to Albers USA with Alaska and Hawaii inset, in a 975 x 610 frame with y downwards.
The same file the pages' maps load in the browser; it is installed with the other front-end
packages at set-up and read from disk, never fetched."""

import functools
import json
from pathlib import Path

from django.conf import settings

SOURCE = Path("us-atlas") / "states-albers-10m.json"
WIDTH, HEIGHT = 975, 610

Ring = list[tuple[float, float]]


@functools.cache
def state_rings() -> dict[str, list[Ring]]:
    """Each state's rings (outer boundaries and holes alike), by FIPS code."""
    path = Path(settings.NODE_MODULES) / SOURCE
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `make deps` (npm ci) to install us-atlas")
    topology = json.loads(path.read_text())
    arcs = _decoded_arcs(topology)
    out: dict[str, list[Ring]] = {}
    for shape in topology["objects"]["states"]["geometries"]:
        polygons = shape["arcs"] if shape["type"] == "MultiPolygon" else [shape["arcs"]]
        out[shape["id"]] = [_ring(ring, arcs) for polygon in polygons for ring in polygon]
    return out


def _decoded_arcs(topology: dict) -> list[Ring]:
    """TopoJSON's quantized, delta-encoded arcs as absolute coordinates."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def _ring(indexes: list[int], arcs: list[Ring]) -> Ring:
    """A ring from its arcs; a negative index ``~i`` is arc ``i`` reversed. Consecutive arcs
    share their joining point, kept once."""
    points: Ring = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points
