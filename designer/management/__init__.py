"""Management commands of Statecraft (`python manage.py <command>`)."""
