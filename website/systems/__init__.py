"""The register of systems that hold personal data outside this site, and the tasks a rights
request gives each of them (the admin pages are in website/admin/systems.py and tasks.py)."""
