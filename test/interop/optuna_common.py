"""Shared by the interop scripts: importing it silences Optuna's warnings and logging (stdout carries
the JSON the tests parse), and open_storage opens a journal file under Optuna 3.1 or 4.x."""
import warnings

import optuna

warnings.simplefilter("ignore")
optuna.logging.set_verbosity(optuna.logging.WARNING)


def open_storage(path):
    try:
        from optuna.storages.journal import JournalFileBackend  # Optuna >= 4.0

        return optuna.storages.JournalStorage(JournalFileBackend(path))
    except ImportError:
        return optuna.storages.JournalStorage(optuna.storages.JournalFileStorage(path))
