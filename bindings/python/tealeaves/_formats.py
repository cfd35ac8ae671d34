"""The log formats ``read_log`` knows (a module of its own so that ``tealeaves --help`` needs
no pandas)."""

FORMATS = (
    "auto",
    "zeek",
    "zeek-tsv",
    "zeek-json",
    "json",
    "csv",
    "pihole",
    "bind",
    "querylog",
    "parquet",
)
