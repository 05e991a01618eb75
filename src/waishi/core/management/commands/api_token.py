from django.core.management.base import BaseCommand, CommandError

from waishi.core.models import User
from waishi.core.tokens import api_token_create


class Command(BaseCommand):
    help = "Make a personal API token for USER (printed once; use it as 'Authorization: Bearer …')."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli", help="what the token is for")
        parser.add_argument(
            "--days", type=int, default=365, help="valid for N days (0 = no expiry)"
        )

    def handle(self, *args, username, name, days, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user named {username!r}")
        if days < 0:
            raise CommandError("--days must be 0 or more")
        _token, raw = api_token_create(actor=None, user=user, name=name, days=days or None)
        self.stdout.write(raw)
