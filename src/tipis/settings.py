"""Configuration from the environment. Read by ``tipis.cli`` (and later ``tipis.app``) only.

- ``TIPIS_HOME`` (default ``./.tipis``): folder for the SQLite file and the key file;
- ``TIPIS_DATABASE_URL`` (default ``sqlite:///$TIPIS_HOME/tipis.db``): SQLite or PostgreSQL;
- ``TIPIS_SECRET_KEY``: base64 key sealing personal fields; overrides the key file;
- ``TIPIS_SECRET_KEY_FILE`` (default ``$TIPIS_HOME/secret.key``): made by ``tipis init``, 0600.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from tipis.store.crypto import SecretKey, key_from_text, load_key_file


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TIPIS_")

    home: Path = Path(".tipis")
    database_url: str | None = None
    secret_key: SecretStr | None = None
    secret_key_file: Path | None = None

    @property
    def url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'tipis.db'}"

    @property
    def key_file(self) -> Path:
        return self.secret_key_file or self.home / "secret.key"

    def load_key(self) -> SecretKey:
        if self.secret_key is not None:
            return key_from_text(self.secret_key.get_secret_value())
        return load_key_file(self.key_file)
