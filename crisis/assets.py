"""Third-party browser assets: a local copy always, a CDN copy when configured.

With CRISIS_ASSETS=cdn a page loads each asset from the CDN with its
Subresource Integrity hash and falls back to the local copy when the CDN
is unreachable (static/js/boot.js); with `local` it never touches the net.
The local files under static/vendor/ are the exact files the hashes cover.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Asset:
    name: str
    local: str  # path under static/
    cdn: str
    integrity: str
    kind: str  # "js" | "css"
    global_name: str = ""  # for js: the global the script defines (fallback check)


ASSETS: dict[str, Asset] = {
    a.name: a
    for a in (
        Asset(
            "socket.io",
            "vendor/socket.io/socket.io.min.js",
            "https://cdn.jsdelivr.net/npm/socket.io-client@4.8.4/dist/socket.io.min.js",
            "sha384-fBrXvbDtHoeKWJ/hcA6M+YGueiDW+h45I7V6F2kD1S8bOkrF9rZYPLVkCR6BLR/1",
            "js",
            "io",
        ),
        Asset(
            "leaflet",
            "vendor/leaflet/leaflet.js",
            "https://unpkg.com/leaflet@1.9.4/dist/leaflet.js",
            "sha384-cxOPjt7s7Iz04uaHJceBmS+qpjv2JkIHNVcuOrM+YHwZOmJGBXI00mdUXEq65HTH",
            "js",
            "L",
        ),
        Asset(
            "leaflet-css",
            "vendor/leaflet/leaflet.css",
            "https://unpkg.com/leaflet@1.9.4/dist/leaflet.css",
            "sha384-sHL9NAb7lN7rfvG5lfHpm643Xkcjzp4jFvuavGOndn6pjVqS6ny56CAt3nsEVT4H",
            "css",
        ),
        # Leaflet.markercluster 1.5.3 (npm, MIT): clusters overlapping site markers.
        # Its UMD wrapper defines window.Leaflet (and L.MarkerClusterGroup).
        Asset(
            "markercluster",
            "vendor/leaflet.markercluster/leaflet.markercluster.js",
            "https://unpkg.com/leaflet.markercluster@1.5.3/dist/leaflet.markercluster.js",
            "sha384-eXVCORTRlv4FUUgS/xmOyr66XBVraen8ATNLMESp92FKXLAMiKkerixTiBvXriZr",
            "js",
            "Leaflet",
        ),
        Asset(
            "markercluster-css",
            "vendor/leaflet.markercluster/MarkerCluster.css",
            "https://unpkg.com/leaflet.markercluster@1.5.3/dist/MarkerCluster.css",
            "sha384-pmjIAcz2bAn0xukfxADbZIb3t8oRT9Sv0rvO+BR5Csr6Dhqq+nZs59P0pPKQJkEV",
            "css",
        ),
        Asset(
            "markercluster-default-css",
            "vendor/leaflet.markercluster/MarkerCluster.Default.css",
            "https://unpkg.com/leaflet.markercluster@1.5.3/dist/MarkerCluster.Default.css",
            "sha384-wgw+aLYNQ7dlhK47ZPK7FRACiq7ROZwgFNg0m04avm4CaXS+Z9Y7nMu8yNjBKYC+",
            "css",
        ),
    )
}

CDN_ORIGINS = ("https://cdn.jsdelivr.net", "https://unpkg.com")
