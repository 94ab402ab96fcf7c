import sys

from batteryreport.cli import main

sys.exit(main())
