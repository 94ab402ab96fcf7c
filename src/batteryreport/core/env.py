"""Names of the environment variables the build sets for the processes it starts (the
notebooks, the site's helper). Here, in a module that imports nothing, because the build
needs them before it has imported the data layer."""

ENV_DATA_DIR = "BATTERYREPORT_DATA"  # the data folder to read
ENV_TABLES = "BATTERYREPORT_TABLES"  # the tables a notebook declared
