"""Demo data: centres, German offices, partners, a user per role, ~2,000 clients with cases.

Idempotent: organisations and users are found by their natural keys, and clients are only
topped up to the target count per centre, from a fixed random seed.
"""

from __future__ import annotations

import datetime as dt
import random
from itertools import pairwise
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from perspektive.accounts.models import User
from perspektive.cases.models import (
    Assessment,
    AssessmentNeed,
    Case,
    CaseStatus,
    CaseStatusChange,
    Measure,
    MeasureStatus,
    MeasureType,
    NeedDomain,
    Note,
    ReintegrationPlan,
    Vulnerability,
)
from perspektive.cases.transitions import TRANSITIONS
from perspektive.clients.models import Client, TargetGroup
from perspektive.clients.search_keys import search_keys_for
from perspektive.consent.models import Consent, Method, Purpose
from perspektive.core.authz import Role
from perspektive.core.demo.people import person_for
from perspektive.core.models import Country
from perspektive.core.names import latin
from perspektive.organisations.models import Membership, Organisation, OrganisationKind

DEMO_PASSWORD = "perspektive-demo"  # noqa: S105 (demo only, printed for the user)
DOMAIN = "demo.perspektive.org"

CENTRES = {
    "AF": "Kabul",
    "EG": "Cairo",
    "AL": "Tirana",
    "GM": "Banjul",
    "GH": "Accra",
    "IQ": "Erbil",
    "XK": "Pristina",
    "MA": "Casablanca",
    "NG": "Lagos",
    "PK": "Islamabad",
    "SN": "Dakar",
    "RS": "Belgrade",
    "TN": "Tunis",
}
GERMAN_OFFICES = [
    ("return-bochum", "Return counselling Bochum", "Bochum"),
    ("return-berlin", "Return counselling Berlin", "Berlin"),
    ("scouts-nrw", "Reintegration scouts North Rhine-Westphalia", "Düsseldorf"),
]
PARTNERS = [
    ("ngo-erbil", "Hawkari psychosocial centre", OrganisationKind.CIVIL_SOCIETY, "IQ", "Erbil"),
    ("ngo-dakar", "Kër Yaakaar housing association", OrganisationKind.CIVIL_SOCIETY, "SN", "Dakar"),
    (
        "training-essen",
        "Ruhr metal training centre",
        OrganisationKind.TRAINING_PROVIDER,
        "DE",
        "Essen",
    ),
    ("employer-tirana", "Ndërtimi Tirana construction", OrganisationKind.EMPLOYER, "AL", "Tirana"),
    ("mfi-dakar", "Jëf microcredit", OrganisationKind.MICROFINANCE, "SN", "Dakar"),
    ("programme-hq", "Programme headquarters", OrganisationKind.FUNDER, "DE", "Bonn"),
]
CLIENTS_PER_CENTRE = 145
# Mobile prefixes, so demo numbers have the right shape for each country.
PHONE_PREFIX = {
    "AF": "+9370",
    "EG": "+20100",
    "AL": "+35569",
    "GM": "+2207",
    "GH": "+23324",
    "IQ": "+964750",
    "XK": "+38344",
    "MA": "+2126",
    "NG": "+234803",
    "PK": "+92300",
    "SN": "+22177",
    "RS": "+38164",
    "TN": "+2162",
}
CLIENTS_PER_GERMAN_OFFICE = 60
DEMO_OCCUPATIONS = [
    "welder",
    "tailor",
    "bus driver",
    "cook",
    "electrician",
    "software developer",
    "shop assistant",
    "nurse assistant",
    "plumber",
    "carpenter",
    "bricklayer",
    "hairdresser",
    "baker",
    "call centre agent",
    "warehouse worker",
    "crop production worker",
    "security guard",
    "metal drawing machine operator",
]


class Command(BaseCommand):
    help = "Load demo data (idempotent). Prints the demo logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--clients-per-centre", type=int, default=CLIENTS_PER_CENTRE)
        parser.add_argument("--quiet", action="store_true")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        rng = random.Random(20261122)
        orgs = self._organisations()
        logins = self._users(orgs)
        created = 0
        for code, city in CENTRES.items():
            centre = orgs[f"centre-{city.lower()}"]
            created += self._clients(
                centre, code, options["clients_per_centre"], rng, orgs, german=False
            )
        for slug, _name, _city in GERMAN_OFFICES[:2]:
            created += self._clients(
                orgs[slug], "IQ", CLIENTS_PER_GERMAN_OFFICE, rng, orgs, german=True
            )
        self._samir(orgs)
        self._jobs(orgs, rng)
        self._appointments(orgs, rng)
        self._handovers(orgs)
        self._partner_referrals(orgs)
        self._courses(orgs)
        if not options["quiet"]:
            self.stdout.write(
                f"Demo data ready: {Client.objects.count()} clients "
                f"({created} new), {Case.objects.count()} cases."
            )
            self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
            for role, email in logins:
                self.stdout.write(f"  {role:<20} {email}")

    def _organisations(self) -> dict[str, Organisation]:
        orgs = {}
        for code, city in CENTRES.items():
            slug = f"centre-{city.lower()}"
            orgs[slug], _ = Organisation.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": f"Perspektive centre {city}",
                    "kind": OrganisationKind.COUNSELLING_CENTRE,
                    "country_id": code,
                    "city": city,
                    "email": f"{city.lower()}@{DOMAIN}",
                },
            )
        for slug, name, city in GERMAN_OFFICES:
            orgs[slug], _ = Organisation.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "kind": OrganisationKind.RETURN_OFFICE,
                    "country_id": "DE",
                    "city": city,
                },
            )
        for slug, name, kind, country, city in PARTNERS:
            orgs[slug], _ = Organisation.objects.get_or_create(
                slug=slug,
                defaults={"name": name, "kind": kind, "country_id": country, "city": city},
            )
        return orgs

    def _user(
        self,
        email: str,
        name: str,
        language: str,
        org: Organisation | None = None,
        role: Role | None = None,
        superuser: bool = False,
    ) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(
                email=email,
                name=name,
                preferred_language=language,
                is_superuser=superuser,
                is_staff=superuser,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        if org is not None and role is not None:
            Membership.objects.get_or_create(user=user, organisation=org, role=role.value)
        return user

    def _users(self, orgs: dict[str, Organisation]) -> list[tuple[str, str]]:
        logins = []
        people = [
            ("dilan", "Dilan Aziz", "ar", "centre-erbil", Role.COUNSELLOR),
            ("lead.erbil", "Karwan Salih", "en", "centre-erbil", Role.CENTRE_LEAD),
            ("keller", "Sabine Keller", "de", "return-bochum", Role.RETURN_COUNSELLOR),
            ("yilmaz", "Murat Yilmaz", "de", "scouts-nrw", Role.SCOUT),
            ("ngo.erbil", "Shilan Rasul", "en", "ngo-erbil", Role.PARTNER_STAFF),
            ("trainer.essen", "Jörg Brandt", "de", "training-essen", Role.PARTNER_STAFF),
            ("hoxha", "Artan Hoxha", "sq", "employer-tirana", Role.EMPLOYER),
            ("manager", "Jana Weber", "de", "programme-hq", Role.PROGRAMME_MANAGER),
        ]
        for local, name, lang, slug, role in people:
            email = f"{local}@{DOMAIN}"
            self._user(email, name, lang, orgs[slug], role)
            logins.append((role.value, email))
        for code, city in CENTRES.items():
            if city == "Erbil":
                continue
            lang = Country.objects.get(code=code).languages[0]
            email = f"counsellor.{city.lower()}@{DOMAIN}"
            self._user(
                email, f"Counsellor {city}", lang, orgs[f"centre-{city.lower()}"], Role.COUNSELLOR
            )
        logins.append(
            ("counsellor (each)", f"counsellor.<city>@{DOMAIN}, e.g. counsellor.dakar@{DOMAIN}")
        )
        self._user(f"admin@{DOMAIN}", "Platform admin", "en", superuser=True)
        logins.append(("admin", f"admin@{DOMAIN}"))
        logins.append(("client", f"samir@{DOMAIN}"))
        return logins

    def _clients(
        self,
        org: Organisation,
        country: str,
        target: int,
        rng: random.Random,
        orgs: dict[str, Organisation],
        *,
        german: bool,
    ) -> int:
        # Draw the whole deterministic sequence, so a re-run makes the same decisions.
        people = [person_for(country, rng) for _ in range(target)]
        details = [rng.random() for _ in range(target * 12)]
        existing = Client.objects.filter(organisation=org).count()
        if existing >= target:
            return 0
        staff = list(User.objects.filter(memberships__organisation=org))
        today = timezone.localdate()
        new_clients = []
        for i in range(existing, target):
            p = people[i]
            d = details[i * 12 : (i + 1) * 12]
            birth = dt.date(1965 + int(d[0] * 42), 1 + int(d[1] * 12), 1 + int(d[2] * 28))
            name_latin = p.name_latin or latin(p.name)
            target_group = (
                TargetGroup.MIGRANT_GERMANY
                if german
                else [
                    TargetGroup.RETURNEE_GERMANY,
                    TargetGroup.RETURNEE_GERMANY,
                    TargetGroup.RETURNEE_THIRD,
                    TargetGroup.LOCAL,
                    TargetGroup.IDP,
                ][int(d[3] * 5)]
            )
            new_clients.append(
                Client(
                    organisation=org,
                    name=p.name,
                    name_latin=name_latin,
                    search_keys=search_keys_for(p.name, name_latin, [org.pk]),
                    birth_date=birth,
                    birth_date_approximate=d[4] < 0.1,
                    sex=p.sex,
                    nationality=country,
                    languages=p.languages,
                    target_group=target_group,
                    household_size=1 + int(d[5] * 7),
                    children_count=int(d[6] * 3) if d[5] > 0.3 else 0,
                    phone=f"{PHONE_PREFIX[country]}{int(d[7] * 1e7):07d}",
                    psychosocial_notes="Reports sleep problems since return."
                    if d[8] < 0.15
                    else None,
                )
            )
        Client.objects.bulk_create(new_clients, batch_size=500)
        clients = list(Client.objects.filter(organisation=org).order_by("id")[existing:target])
        self._cases(clients, org, staff, rng, today)
        return len(clients)

    def _cases(
        self,
        clients: list[Client],
        org: Organisation,
        staff: list[User],
        rng: random.Random,
        today: dt.date,
    ) -> None:
        statuses = list(CaseStatus.values)
        types = list(MeasureType.objects.all())
        by_category: dict[str, list[MeasureType]] = {}
        for t in types:
            by_category.setdefault(t.category, []).append(t)
        cases, consents = [], []
        now = timezone.now()
        for client in clients:
            consents.append(
                Consent(
                    client=client,
                    purpose=Purpose.COUNSELLING,
                    method=Method.WRITTEN,
                    notice_version="1",
                    notice_language=client.languages[0],
                    given_at=now,
                )
            )
            if rng.random() < 0.5:
                consents.append(
                    Consent(
                        client=client,
                        purpose=Purpose.HANDOVER,
                        method=Method.WRITTEN,
                        notice_version="1",
                        notice_language=client.languages[0],
                        given_at=now,
                    )
                )
            if rng.random() < 0.15:
                continue  # registered, no case yet
            status = rng.choice(statuses)
            cases.append(
                Case(
                    client=client,
                    organisation=org,
                    status=status,
                    counsellor=rng.choice(staff) if staff else None,
                    return_date=today - dt.timedelta(days=rng.randint(-60, 700)),
                    next_follow_up=(
                        today + dt.timedelta(days=rng.randint(-10, 40))
                        if status != CaseStatus.CLOSED
                        else None
                    ),
                    closed_at=now if status == CaseStatus.CLOSED else None,
                    vulnerabilities=[rng.choice(Vulnerability.values)]
                    if rng.random() < 0.2
                    else [],
                )
            )
        Consent.objects.bulk_create(consents, batch_size=500)
        Case.objects.bulk_create(cases, batch_size=500)
        cases = list(Case.objects.filter(client__in=clients).select_related("client"))
        changes, plans, notes, assessments = [], [], [], []
        order = list(CaseStatus.values)
        for case in cases:
            path = [CaseStatus.INTAKE.value]
            while path[-1] != case.status and len(path) < 8:
                nxt = order[min(order.index(path[-1]) + 1, len(order) - 1)]
                if nxt not in TRANSITIONS[path[-1]]:
                    nxt = CaseStatus.CLOSED.value
                path.append(nxt)
            changes.append(
                CaseStatusChange(case=case, from_status="", to_status=path[0], by=case.counsellor)
            )
            for a, b in pairwise(path):
                changes.append(
                    CaseStatusChange(
                        case=case,
                        from_status=a,
                        to_status=b,
                        by=case.counsellor,
                        reason="Client found work and moved away." if b == "closed" else "",
                    )
                )
            notes.append(
                Note(
                    case=case,
                    author=case.counsellor,
                    text="First meeting: explained the programme and consent.",
                )
            )
            if order.index(case.status) >= order.index(CaseStatus.ASSESSMENT):
                assessments.append(
                    Assessment(
                        case=case,
                        assessed_by=case.counsellor,
                        summary="Looking for work; housing is unstable.",
                    )
                )
            if order.index(case.status) >= order.index(CaseStatus.PLANNING):
                plans.append(
                    ReintegrationPlan(
                        case=case, goals="Stable income within 6 months.", agreed_with_client=True
                    )
                )
        CaseStatusChange.objects.bulk_create(changes, batch_size=1000)
        Note.objects.bulk_create(notes, batch_size=1000)
        Assessment.objects.bulk_create(assessments, batch_size=1000)
        needs = []
        for assessment in Assessment.objects.filter(case__in=cases):
            for domain in rng.sample(NeedDomain.values, 3):
                needs.append(
                    AssessmentNeed(assessment=assessment, domain=domain, level=rng.randint(0, 3))
                )
        AssessmentNeed.objects.bulk_create(needs, batch_size=1000)
        ReintegrationPlan.objects.bulk_create(plans, batch_size=1000)
        measures = []
        categories = sorted(by_category)
        for i, plan in enumerate(ReintegrationPlan.objects.filter(case__in=cases)):
            for j in range(rng.randint(1, 3)):
                category = categories[(i + j) % len(categories)]
                start = today - dt.timedelta(days=rng.randint(0, 300))
                measures.append(
                    Measure(
                        plan=plan,
                        type=rng.choice(by_category[category]),
                        status=rng.choice(MeasureStatus.values),
                        start_date=start,
                        end_date=start + dt.timedelta(days=rng.randint(1, 90)),
                    )
                )
        Measure.objects.bulk_create(measures, batch_size=1000)

    def _jobs(self, orgs: dict[str, Organisation], rng: random.Random) -> None:
        """Employers in every partner country, published offers, job-seeker profiles for
        returnees, and some offers proposed (a few hired). Skipped when offers exist."""
        from perspektive.jobs.models import (
            Application,
            Experience,
            JobOffer,
            JobSeekerProfile,
            Occupation,
        )
        from perspektive.jobs.places import city_names, locate

        if JobOffer.objects.exists():
            return
        occupations = {o.label: o for o in Occupation.objects.filter(label__in=DEMO_OCCUPATIONS)}
        today = timezone.localdate()
        now = timezone.now()
        offers = []
        for code, city in CENTRES.items():
            employers = [orgs["employer-tirana"]] if code == "AL" else []
            for i, kind in enumerate(("Construction", "Services")):
                slug = f"employer-{city.lower()}-{i}"
                employer, _ = Organisation.objects.get_or_create(
                    slug=slug,
                    defaults={
                        "name": f"{city} {kind} Company",
                        "kind": OrganisationKind.EMPLOYER,
                        "country_id": code,
                        "city": city,
                    },
                )
                employers.append(employer)
            cities = city_names(code) or [city]
            for n in range(20):
                label = rng.choice(DEMO_OCCUPATIONS)
                place = rng.choice(cities)
                point = locate(code, place)
                offers.append(
                    JobOffer(
                        employer=rng.choice(employers),
                        registered_by=orgs[f"centre-{city.lower()}"] if n % 3 == 0 else None,
                        title=label.capitalize(),
                        occupation=occupations[label],
                        country_id=code,
                        city=place,
                        latitude=point[0] if point else None,
                        longitude=point[1] if point else None,
                        contract_type=rng.choice(["permanent", "fixed_term", "apprenticeship"]),
                        working_time="full_time",
                        positions=rng.randint(1, 5),
                        languages={Country.objects.get(code=code).languages[0]: 2},
                        start_date=today + dt.timedelta(days=rng.randint(7, 90)),
                        status="published",
                        published_at=now,
                    )
                )
        JobOffer.objects.bulk_create(offers, batch_size=500)
        profiles, experiences, consents = [], [], []
        returnees = Client.objects.filter(
            target_group__in=[TargetGroup.RETURNEE_GERMANY, TargetGroup.RETURNEE_THIRD],
            organisation__kind=OrganisationKind.COUNSELLING_CENTRE,
        ).select_related("organisation")
        chosen = [c for c in returnees.order_by("id") if rng.random() < 0.4]
        for client in chosen:
            languages = {lang: 4 for lang in client.languages[:2] if lang}
            if client.target_group == TargetGroup.RETURNEE_GERMANY:
                languages["de"] = rng.choice([1, 2, 3])
            profiles.append(
                JobSeekerProfile(
                    client=client,
                    country_id=client.organisation.country_id,
                    city=client.organisation.city,
                    languages=languages,
                    willing_to_move=rng.random() < 0.3,
                    max_distance_km=rng.choice([10, 30, 100]),
                    available_from=today + dt.timedelta(days=rng.randint(-30, 60)),
                )
            )
        JobSeekerProfile.objects.bulk_create(profiles, batch_size=500)
        saved = list(JobSeekerProfile.objects.filter(client__in=chosen).select_related("client"))
        through = JobSeekerProfile.occupations_wanted.through
        wanted = []
        for profile in saved:
            for label in rng.sample(DEMO_OCCUPATIONS, rng.randint(1, 2)):
                wanted.append(
                    through(jobseekerprofile_id=profile.pk, occupation_id=occupations[label].pk)
                )
            if rng.random() < 0.5:
                experiences.append(
                    Experience(
                        profile=profile,
                        occupation=occupations[rng.choice(DEMO_OCCUPATIONS)],
                        employer_name="Metallbau GmbH",
                        country="DE",
                        start_date=today - dt.timedelta(days=rng.randint(800, 2000)),
                        end_date=today - dt.timedelta(days=rng.randint(60, 700)),
                    )
                )
            if rng.random() < 0.6:
                consents.append(
                    Consent(
                        client=profile.client,
                        purpose=Purpose.JOB_MATCHING,
                        method=Method.WRITTEN,
                        notice_version="1",
                        notice_language=profile.client.languages[0],
                        given_at=now,
                    )
                )
        through.objects.bulk_create(wanted, batch_size=1000)
        Experience.objects.bulk_create(experiences, batch_size=500)
        Consent.objects.bulk_create(consents, batch_size=500)
        consenting = {c.client_id for c in consents}
        by_country: dict[str, list[JobOffer]] = {}
        for offer in JobOffer.objects.all():
            by_country.setdefault(offer.country_id, []).append(offer)
        applications = []
        for profile in saved:
            if profile.client_id in consenting and rng.random() < 0.5:
                hired = rng.random() < 0.25
                applications.append(
                    Application(
                        offer=rng.choice(by_country[profile.country_id]),
                        client=profile.client,
                        status="hired"
                        if hired
                        else rng.choice(["proposed", "applied", "interview"]),
                        proposed_at=now - dt.timedelta(days=rng.randint(1, 120)),
                        proposed_by_organisation=profile.client.organisation,
                        hired_at=now if hired else None,
                        retention_due=today + dt.timedelta(days=182) if hired else None,
                    )
                )
        Application.objects.bulk_create(applications, batch_size=500)

    def _appointments(self, orgs: dict[str, Organisation], rng: random.Random) -> None:
        """Weekly hours for every centre's staff (the centre's working week), and a few
        bookings in Erbil: upcoming ones, and past ones waiting for their outcome."""
        from perspektive.appointments.models import (
            Appointment,
            AppointmentStatus,
            Mode,
            Topic,
            WeeklyHours,
        )
        from perspektive.appointments.selectors import centre_tz

        if WeeklyHours.objects.exists():
            return
        friday_weekend = {"IQ", "AF", "JO", "EG", "PK"}  # Sunday to Thursday
        for code, city in CENTRES.items():
            centre = orgs[f"centre-{city.lower()}"]
            days = [6, 0, 1, 2, 3] if code in friday_weekend else [0, 1, 2, 3, 4]
            staff = User.objects.filter(
                memberships__organisation=centre,
                memberships__role__in=[Role.COUNSELLOR.value, Role.CENTRE_LEAD.value],
            ).distinct()
            languages = [*Country.objects.get(code=code).languages, "en"]
            for user in staff:
                for day in days:
                    for start, end in ((dt.time(9), dt.time(12)), (dt.time(13), dt.time(16))):
                        WeeklyHours.objects.create(
                            centre=centre,
                            counsellor=user,
                            weekday=day,
                            start_time=start,
                            end_time=end,
                            modes=list(Mode.values),
                            topics=list(Topic.values),
                            languages=languages,
                        )
        erbil = orgs["centre-erbil"]
        dilan = User.objects.get(email=f"dilan@{DOMAIN}")
        tz = centre_tz(erbil)
        today = timezone.now().astimezone(tz).date()
        people = [
            ("يوسف حداد", "+9647501112233", Mode.VIDEO, Topic.JOB),
            ("Amina Rasul", "+9647502223344", Mode.IN_PERSON, Topic.STARTUP),
            ("هاوكار عمر", "+9647503334455", Mode.PHONE, Topic.TRAINING),
            ("Layla Kareem", "+9647504445566", Mode.CHAT, Topic.PSYCHOSOCIAL),
        ]
        for offset, (name, phone, mode, topic) in zip((-2, -1, 1, 2), people, strict=True):
            on = today + dt.timedelta(days=offset)
            if on.weekday() in (4, 5):  # Friday, Saturday: the centre is closed
                on += dt.timedelta(days=2)
            # A different hour for each: a closed day moves two bookings onto one day.
            hour = (9, 10, 13, 14)[people.index((name, phone, mode, topic))]
            at = dt.datetime.combine(on, dt.time(hour), tzinfo=tz)
            Appointment.objects.create(
                centre=erbil,
                counsellor=dilan,
                starts_at=at,
                ends_at=at + dt.timedelta(minutes=30),
                mode=mode,
                topic=topic,
                language="ar",
                name=name,
                phone=phone,
                contact_consent=True,
                status=AppointmentStatus.BOOKED,
            )

    def _courses(self, orgs: dict[str, Organisation]) -> None:
        """Journey 2: courses of the training provider in Essen; Samir has a place on the
        two-week metalwork course."""
        from perspektive.jobs.models import Occupation
        from perspektive.learning.models import Course, Enrolment

        provider = orgs["training-essen"]
        start = timezone.localdate() + dt.timedelta(days=10)
        courses = [
            ("Metalwork and welding basics", "metalwork", "metal drawing machine operator", 10),
            ("Painting and decorating", "painting", None, 8),
            ("Electrical installation basics", "electronics", None, 10),
        ]
        made: dict[str, Course] = {}
        for title, trade, occupation, sessions in courses:
            made[trade], _ = Course.objects.get_or_create(
                provider=provider,
                title=title,
                defaults={
                    "trade": trade,
                    "occupation": Occupation.objects.filter(label=occupation).first()
                    if occupation
                    else None,
                    "language": "de",
                    "location": "Altendorfer Str. 3",
                    "city": "Essen",
                    "country_id": "DE",
                    "first_day": start,
                    "last_day": start + dt.timedelta(days=11),
                    "sessions": sessions,
                    "capacity": 12,
                    "status": "published",
                },
            )
        samir = Client.objects.filter(user__email=f"samir@{DOMAIN}").first()
        if samir is not None and not Enrolment.objects.filter(client=samir).exists():
            Enrolment.objects.create(
                course=made["metalwork"],
                client=samir,
                status="enrolled",
                requested_at=timezone.now(),
                enrolled_at=timezone.now(),
                enrolled_by=User.objects.filter(email=f"keller@{DOMAIN}").first(),
                enrolled_by_organisation=samir.organisation,
            )

    def _samir(self, orgs: dict[str, Organisation]) -> None:
        """Samir from the journeys: registered in Bochum, a client login of his own."""
        user = self._user(f"samir@{DOMAIN}", "سمير الجبوري", "ar")
        if Client.objects.filter(user=user).exists():
            return
        name = "سمير الجبوري"
        client = Client.objects.create(
            organisation=orgs["return-bochum"],
            user=user,
            name=name,
            name_latin="Sameer Al-Jubouri",
            search_keys=search_keys_for(name, "Sameer Al-Jubouri", [orgs["return-bochum"].pk]),
            birth_date=dt.date(1992, 3, 14),
            sex="male",
            nationality="IQ",
            languages=["ar", "de"],
            target_group=TargetGroup.MIGRANT_GERMANY,
        )
        Consent.objects.create(
            client=client,
            purpose=Purpose.HANDOVER,
            method=Method.WRITTEN,
            notice_version="3",
            notice_language="ar",
            given_at=timezone.now(),
        )

    def _handovers(self, orgs: dict[str, Organisation]) -> None:
        """Journey 2-3: Samir's handover from Bochum to Erbil, sent and waiting for Dilan;
        and another Bochum client's handover that Erbil has accepted (a case there)."""
        from perspektive.referrals.models import Handover
        from perspektive.referrals.services import handover_change_status, handover_create

        samir = Client.objects.filter(user__email=f"samir@{DOMAIN}").first()
        if samir is None or Handover.objects.filter(client=samir).exists():
            return
        keller = User.objects.get(email=f"keller@{DOMAIN}")
        dilan = User.objects.get(email=f"dilan@{DOMAIN}")
        erbil = orgs["centre-erbil"]
        sections = ["identity", "contact", "languages", "needs", "job_profile"]
        departure = timezone.localdate() + dt.timedelta(days=42)
        other = (
            Client.objects.filter(organisation=orgs["return-bochum"], user__isnull=True)
            .exclude(handovers__isnull=False)
            .order_by("id")
            .first()
        )
        for client in (samir, other):
            if client is None:
                continue
            consent = Consent.objects.filter(
                client=client, purpose=Purpose.HANDOVER, withdrawn_at__isnull=True
            ).first()
            if consent is None:
                Consent.objects.create(
                    client=client,
                    purpose=Purpose.HANDOVER,
                    method=Method.WRITTEN,
                    notice_version="3",
                    notice_language="ar",
                    given_at=timezone.now(),
                    sections=sections,
                )
            elif not consent.sections:  # recorded before consents named sections
                Consent.objects.filter(pk=consent.pk).update(sections=sections)
            handover = handover_create(
                actor=keller,
                client_id=client.pk,
                to_centre=erbil,
                planned_departure=departure,
                sections=sections,
                needs_summary="Wants to work as a welder again; housing for the first months.",
            )
            handover_change_status(actor=keller, handover_id=handover.pk, to_status="sent")
            if client is other:
                handover_change_status(
                    actor=dilan,
                    handover_id=handover.pk,
                    to_status="accepted",
                    counsellor=dilan,
                    confirm_not_duplicate=True,
                )

    def _partner_referrals(self, orgs: dict[str, Organisation]) -> None:
        """Journey: the NGO in Erbil offers housing and psychosocial support; Dilan has
        referred one client (sent, waiting for Shilan) and another (completed)."""
        from perspektive.referrals.models import PartnerService, Referral
        from perspektive.referrals.partners import referral_change_status, referral_create

        ngo, erbil = orgs["ngo-erbil"], orgs["centre-erbil"]
        services = {}
        for domain, description, languages in (
            ("housing", "Temporary shelter and help with the first rent", ["ar", "ku"]),
            ("psychosocial", "Individual and group psychosocial support", ["ar", "ku", "en"]),
        ):
            services[domain], _created = PartnerService.objects.get_or_create(
                organisation=ngo,
                domain=domain,
                defaults={
                    "description": description,
                    "languages": languages,
                    "contact_phone": "+9647500000100",
                    "contact_email": f"ngo.erbil@{DOMAIN}",
                },
            )
        if Referral.objects.filter(from_organisation=erbil, partner=ngo).exists():
            return
        dilan = User.objects.get(email=f"dilan@{DOMAIN}")
        shilan = User.objects.get(email=f"ngo.erbil@{DOMAIN}")
        clients = list(
            Client.objects.filter(organisation=erbil, cases__isnull=False)
            .distinct()
            .order_by("id")[:2]
        )
        pairs = zip(clients, (services["housing"], services["psychosocial"]), strict=False)
        for client, service in pairs:
            Consent.objects.get_or_create(
                client=client,
                purpose=Purpose.REFERRAL,
                partner=ngo,
                withdrawn_at=None,
                defaults={
                    "method": Method.WRITTEN,
                    "notice_version": "1",
                    "notice_language": "ar",
                    "given_at": timezone.now(),
                    "sections": ["identity", "contact", "languages", "needs"],
                },
            )
            referral = referral_create(
                actor=dilan,
                client_id=client.pk,
                service=service,
                sections=["contact", "languages", "needs"],
                note="Returned three weeks ago with the family; needs support soon.",
            )
            if service.domain == "psychosocial":
                referral_change_status(actor=shilan, referral_id=referral.pk, to_status="accepted")
                referral_change_status(
                    actor=shilan,
                    referral_id=referral.pk,
                    to_status="completed",
                    reason="Eight sessions attended.",
                )
