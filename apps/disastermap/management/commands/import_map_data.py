"""Bulk loads from the shell: the same import as the staff page, the report as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.disastermap.choices import Hazard
from apps.disastermap.services.importers import ImportKind, ImportRejected, run_import


class Command(BaseCommand):
    help = "Import map data (shelters, AED, public facilities, hazard zones, gazetteer); prints the report as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", default="", help="Source name (rows are matched by it and their ID).")
        parser.add_argument("--encoding", default="auto", choices=["auto", "utf-8", "cp932"])
        parser.add_argument("--genre", default="", help="Genre code for every row (public facilities).")
        parser.add_argument("--hazard", default="", choices=["", *Hazard.values])
        parser.add_argument("--level-field", default="", help="Attribute holding the level (hazard zones).")
        parser.add_argument("--label-field", default="")
        parser.add_argument("--name-field", default="")
        parser.add_argument("--repair", action="store_true", help="Repair invalid polygons instead of rejecting.")
        parser.add_argument("--keep-existing", action="store_true",
                            help="Keep this source's earlier zones for the hazard instead of replacing them.")

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        with path.open("rb") as upload:
            try:
                report = run_import(
                    kind=options["kind"], upload=upload, source=options["source"], encoding=options["encoding"],
                    genre=options["genre"], hazard=options["hazard"], level_field=options["level_field"],
                    label_field=options["label_field"], name_field=options["name_field"],
                    repair=options["repair"], replace=not options["keep_existing"],
                )
            except ImportRejected as exc:
                self.stdout.write(json.dumps(exc.report.as_dict(), ensure_ascii=False, indent=2))
                raise CommandError(f"Nothing was imported: {exc.report.error_count} problems.") from exc
        self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
