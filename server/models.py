"""Import every model so that metadata, Alembic and the shell see all tables (and every commit runs its steps)."""

from server import transaction  # noqa: F401  (the steps every commit runs: versions, then summaries)
from server.auth.models import DeviceToken, User, user_places  # noqa: F401
from server.bulletins.models import Bulletin, BulletinReceipt, BulletinTold  # noqa: F401
from server.households.models import Consent, Household, MarketplaceAccount, PaymentAccount  # noqa: F401
from server.jobs.models import Job  # noqa: F401
from server.models_base import VersionCounter  # noqa: F401
from server.mutations.models import Mutation, ScopeExit  # noqa: F401
from server.places.models import Place  # noqa: F401
from server.privacy.models import AccessLog  # noqa: F401
from server.products.models import Lot, Producer, Product  # noqa: F401
from server.public.models import ScanDay, ScanVisitor  # noqa: F401
from server.reports.models import Baseline, HouseholdSummary, Target  # noqa: F401
from server.training.models import Attendance, TrainingSession  # noqa: F401
