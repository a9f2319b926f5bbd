"""The sync configuration: one TOML file listing companies; environment variables override.

    state_url = "postgresql://arwatch@db/arwatch"   # default: SQLite in the user data dir
    policy = "policy.toml"                          # default: built-in policy
    secrets_file = "~/.config/arwatch/secrets.toml" # must be mode 0600
    max_workers = 4                                 # companies synced at once by --all (1-4)
    timezone = "Europe/Paris"                       # whose "today" a run plans for (default: the machine's)
    locale = "de_DE"                                # how letters, tasks, the CLI and reports write days and
                                                    # money (default en_GB; --locale overrides)
    templates = "letters/"                          # the business's own <step>.j2 (default: the built-in ones)
    managers = ["ann", "bob"]                       # who may lift a credit hold (`arwatch hold lift`; a
                                                    # company's own list replaces this one)

    [guard]                                         # limits on mass change (arwatch.sync.guard)
    max_removed_share = 0.2                         # of a collection's stored records, per run
    max_closed_share = 0.25                         # of the open holds, flags or tasks, per run
    min_count = 5                                   # up to this many of a kind: never a mass change

    [companies.acme]
    source = "odoo"                                 # demo | file | quickbooks | odoo
    credentials = "acme-odoo"                       # a table in the secrets file
    [companies.acme.settings]                       # the source's own settings
    url = "https://acme.odoo.com"
    locale = "fr_FR"                                # (timezone, locale, templates, policy: per company too)
    [companies.acme.guard]                          # this company's own limits (the keys given
    max_closed_share = 0.5                          # replace the top-level ones)

Environment: ``ARWATCH_STATE_URL``, ``ARWATCH_POLICY``, ``ARWATCH_COMPANIES__ACME__SOURCE``...
Secrets: the secrets file (``[acme-odoo]`` ``password = "..."``) or the environment
(``ARWATCH_SECRET__ACME_ODOO__PASSWORD``; the environment wins). Values are ``SecretStr``:
never printed, redacted in ``repr``.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from platformdirs import user_config_dir
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from arwatch.core.contract import ConfigError
from arwatch.core.formats import DEFAULT_LOCALE, check_locale
from arwatch.core.key_errors import describe

from .clock import zone
from .guard import Guard

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SOURCES = ("demo", "file", "quickbooks", "odoo")
SECRET_ENV_PREFIX = "ARWATCH_SECRET__"


# With no configuration file, arwatch runs the built-in demo company on the default SQLite store.
EMBEDDED_DEFAULT: dict[str, Any] = {"companies": {"demo": {"source": "demo"}}}


def default_config_path() -> Path:
    return Path(os.environ.get("ARWATCH_CONFIG") or Path(user_config_dir("arwatch")) / "config.toml")


def _known_zone(value: str | None) -> str | None:
    try:
        zone(value)
    except ConfigError:
        raise ValueError(f"{value!r} is not a known time zone (an IANA name such as 'Europe/Paris')") from None
    return value


def _known_locale(value: str | None) -> str | None:
    return None if value is None else check_locale(value)


def _manager_names(value: Any) -> tuple[str, ...] | None:
    """Login names, each once, none blank (compared without regard to case)."""
    if value is None:
        return None
    if not isinstance(value, (list, tuple)) or not all(isinstance(name, str) for name in value):
        raise ValueError('expected a list of login names, e.g. managers = ["ann", "bob"]')
    names = tuple(name.strip() for name in value)
    if any(not name for name in names):
        raise ValueError('a manager\'s name is empty (managers = ["ann", "bob"]: their login names)')
    seen: set[str] = set()
    for name in names:
        if name.casefold() in seen:
            raise ValueError(f"manager {name!r} is listed twice")
        seen.add(name.casefold())
    return names


# The keys a company may set for itself over the config's own (checked the same at both levels).
TimeZone = Annotated[str | None, AfterValidator(_known_zone)]
Locale = Annotated[str | None, AfterValidator(_known_locale)]
Managers = Annotated[tuple[str, ...] | None, BeforeValidator(_manager_names)]


class CompanyConfig(BaseModel):
    """One company: its source, the source's settings and a credentials reference."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = ""
    source: Literal["demo", "file", "quickbooks", "odoo"]
    credentials: str | None = None
    settings: dict[str, Any] = Field(default_factory=dict)
    policy: Path | None = None
    timezone: TimeZone = None  # the company's own, when it differs from the config's
    locale: Locale = None  # likewise
    templates: Path | None = None  # likewise
    guard: Guard | None = None
    managers: Managers = None  # who may lift a credit hold: replaces the top-level list


class SyncConfig(BaseSettings):
    """The whole configuration; ``base_dir`` is the config file's folder (relative paths)."""

    model_config = SettingsConfigDict(env_prefix="ARWATCH_", env_nested_delimiter="__", extra="forbid",
                                      frozen=True)

    state_url: str | None = None
    policy: Path | None = None
    secrets_file: Path | None = None
    max_workers: int = Field(default=4, ge=1, le=4)
    timezone: TimeZone = None
    locale: Locale = None
    templates: Path | None = None
    guard: Guard = Field(default_factory=Guard)
    managers: Managers = None  # who may lift a credit hold (`arwatch hold lift`)
    companies: dict[str, CompanyConfig] = Field(default_factory=dict)
    base_dir: Path = Path(".")

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        return env_settings, init_settings  # the environment overrides the file

    def company(self, name: str) -> CompanyConfig:
        if name not in self.companies:
            known = ", ".join(sorted(self.companies)) or "none"
            raise ConfigError(f"no company {name!r} in the configuration (companies: {known})")
        return self.companies[name]

    def timezone_of(self, company: CompanyConfig) -> str | None:
        """The time zone whose "today" a run of ``company`` plans for (None: the machine's)."""
        return company.timezone or self.timezone

    def locale_of(self, company: CompanyConfig, override: str | None = None) -> str:
        """How ``company``'s letters, tasks, CLI and reports write days and money: ``override``
        (``--locale``), else its own ``locale``, else the config's, else ``DEFAULT_LOCALE`` (en_GB)."""
        return override or company.locale or self.locale or DEFAULT_LOCALE

    def templates_of(self, company: CompanyConfig, override: Path | None = None) -> Path | None:
        """The folder of ``company``'s own step templates (``--templates``, else its own
        ``templates``, else the config's; None: the built-in ones)."""
        return override or self.path(company.templates or self.templates)

    def managers_of(self, company: CompanyConfig) -> tuple[str, ...]:
        """Who may lift ``company``'s credit holds: its own ``managers`` when it lists them (an
        empty list: nobody), else the top-level ones, else nobody."""
        if company.managers is not None:
            return company.managers
        return self.managers or ()

    def guard_for(self, company: CompanyConfig) -> Guard:
        """The company's limits on mass change: its own ``guard`` keys over the top-level ones."""
        if company.guard is None:
            return self.guard
        own = company.guard.model_dump(include=company.guard.model_fields_set)
        return Guard.model_validate({**self.guard.model_dump(), **own})

    def path(self, value: Path | str | None) -> Path | None:
        """``value`` resolved against the config file's folder."""
        if value is None:
            return None
        p = Path(value).expanduser()
        return p if p.is_absolute() else self.base_dir / p


INTERNAL_FIELDS = frozenset({"name", "base_dir"})  # set by arwatch, never written in the file


def load_config(path: Path | str | None = None, require_file: bool = True) -> SyncConfig:
    """Read the TOML at ``path`` (default: ``ARWATCH_CONFIG`` or the user config dir).

    Raises ``ConfigError`` naming the file and the key.
    """
    path = Path(path) if path is not None else default_config_path()
    data: dict[str, Any] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{path}: not valid TOML: {error}") from None
    elif require_file:
        raise ConfigError(f"{path}: no such configuration file")
    else:
        data = dict(EMBEDDED_DEFAULT)
    try:
        config = SyncConfig(**data, base_dir=path.parent.resolve())
    except ValidationError as error:
        err = error.errors(include_url=False)[0]
        raise ConfigError(f"{path}: {describe(err, SyncConfig, INTERNAL_FIELDS)}") from None
    named = {name: c.model_copy(update={"name": name}) for name, c in config.companies.items()}
    return config.model_copy(update={"companies": named})


def _ref(reference: str) -> str:
    return reference.lower().replace("_", "-")


class Secrets:
    """Credentials by reference; values are SecretStr and never shown."""

    def __init__(self, values: Mapping[str, Mapping[str, SecretStr]]):
        self._values: dict[str, dict[str, SecretStr]] = {}
        for ref, keys in values.items():
            self._values.setdefault(_ref(ref), {}).update(keys)

    def __repr__(self) -> str:
        return f"Secrets({len(self._values)} references, values redacted)"

    __str__ = __repr__

    def references(self) -> tuple[str, ...]:
        return tuple(sorted(self._values))

    def get(self, reference: str) -> dict[str, SecretStr]:
        if _ref(reference) not in self._values:
            env = SECRET_ENV_PREFIX + reference.upper().replace("-", "_") + "__<KEY>"
            raise ConfigError(f"no secrets for credentials {reference!r}: add a [{reference}] table to the "
                              f"secrets file or set {env}")
        return dict(self._values[_ref(reference)])


def check_private(path: Path) -> None:
    """Refuse a secrets file that group or others can read or write."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigError(f"{path}: secrets file is accessible by group or others (mode {mode:04o}); "
                          f"run: chmod 600 {path}")


def _env_secrets(environ: Mapping[str, str]) -> dict[str, dict[str, SecretStr]]:
    found: dict[str, dict[str, SecretStr]] = {}
    for name, value in environ.items():
        if name.startswith(SECRET_ENV_PREFIX) and "__" in name[len(SECRET_ENV_PREFIX):]:
            ref, _, key = name[len(SECRET_ENV_PREFIX):].partition("__")
            found.setdefault(_ref(ref), {})[key.lower()] = SecretStr(value)
    return found


def load_secrets(path: Path | None, environ: Mapping[str, str] | None = None) -> Secrets:
    """Secrets from the 0600 file at ``path`` (if any) and the environment (which wins).

    In the environment, ``_`` in a reference stands for ``-`` (ACME_ODOO -> acme-odoo).
    """
    values: dict[str, dict[str, SecretStr]] = {}
    if path is not None:
        path = Path(path).expanduser()
        if not path.exists():
            raise ConfigError(f"{path}: no such secrets file")
        check_private(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:  # the message has line and column, not the text
            raise ConfigError(f"{path}: not valid TOML: {error}") from None
        for ref, table in data.items():
            if not isinstance(table, dict):
                raise ConfigError(f"{path}: {ref}: expected a table of secrets ([{ref}] key = \"...\")")
            values[_ref(ref)] = {key: SecretStr(str(v)) for key, v in table.items()}
    for ref, keys in _env_secrets(os.environ if environ is None else environ).items():
        values.setdefault(_ref(ref), {}).update(keys)
    return Secrets(values)
