"""manage.py seed_demo: load the demo content; safe to run again."""

from django.conf import settings
from django.core.management.base import BaseCommand

from portal.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, load_demo


class Command(BaseCommand):
    help = (
        "Läser in demoinnehållet: uppdraget 2022, fokusområden, de åtta "
        "kommunerna, samverkansparter, arbetsgrupper, kick-offen med "
        "presentationer, årets nyheter och sessioner, kommunernas läge och "
        "indikatorer samt arbetsgruppernas möten och beslut. Kan köras flera "
        "gånger. Med DEBUG på skapas även en demoinloggning per roll och "
        "lägesrapporter skrivna av dem. Allt utom kick-offen och slutrapporten "
        "är exempel, och Maria Exempel är en påhittad demoperson."
    )

    def handle(self, *args, **options):
        result = load_demo(with_logins=settings.DEBUG)
        self.stdout.write(
            self.style.SUCCESS("Demoinnehållet är inläst.")
            + f" Nya exempelbilder: {result['slides_generated']}."
        )
        if result["slides_missing"]:
            self.stdout.write(
                self.style.WARNING(
                    f"{result['slides_missing']} presentationer fick inga "
                    "exempelbilder: PDF-filer kan inte skapas på den här datorn "
                    "(WeasyPrint eller Pango saknas, se scripts/system-packages.sh). "
                    "Kör seed_demo igen när de finns."
                )
            )
        if not settings.DEBUG:
            self.stdout.write("DEBUG är av: inga demoinloggningar skapades.")
            return
        self.stdout.write(
            f"Demoinloggningar (lösenord: {DEMO_PASSWORD}; andra steget: "
            f"autentiseringsapp med nyckeln {DEMO_TOTP_SECRET}, "
            f"eller `oathtool --totp -b {DEMO_TOTP_SECRET}`):"
        )
        rows = [("Roll", "E-post", "Får"), *result["logins"]]
        role_width = max(len(role) for role, _, _ in rows)
        email_width = max(len(email) for _, email, _ in rows)
        for role, email, may in rows:
            self.stdout.write(
                f"  {role:<{role_width}}  {email:<{email_width}}  {may}".rstrip()
            )
