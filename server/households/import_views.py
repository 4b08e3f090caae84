"""Import pages: upload, column mapping with a dry run, then the import with a progress bar."""

import json

from flask import jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from server.auth.decorators import role_required
from server.auth.scope import scope_for
from server.errors import ValidationError
from server.households import import_files, import_jobs, imports
from server.households.import_check import Context
from server.households.pages import STAFF, bp
from server.places.names import hamlet_key

SHOWN = 500  # rows listed per kind on the dry-run page


@bp.route("/records/import", methods=["GET", "POST"])
@login_required
@role_required(*STAFF)
def import_upload():
    """Upload a household list (XLSX or CSV)."""
    if request.method == "POST":
        upload = request.files.get("file")
        try:
            if upload is None or not upload.filename:
                raise ValidationError(_("Choose a file to upload."))
            if not upload.filename.lower().endswith((".xlsx", ".csv")):
                raise ValidationError(_("Only XLSX and CSV files can be imported."))
            table = import_files.read_upload(upload.read(), upload.filename)  # once: later steps use the rows kept
        except ValidationError as error:
            return render_template("households/import_upload.html", error=error.detail), error.status
        token = import_jobs.save_upload(json.dumps(table.dump()).encode(), upload.filename, current_user.id)
        return redirect(url_for("households.import_mapping", token=token))
    return render_template("households/import_upload.html", error=None)


def _options(form, header: list[str]) -> dict:
    """Column mapping and choices from the form (or guessed from the titles on first view)."""
    if "map_head_name" not in form:
        mapping = imports.guess_mapping(header)
    else:
        mapping = {f: int(form[f"map_{f}"]) for f in imports.FIELDS if form.get(f"map_{f}", "").isdigit()}
        mapping = {f: i for f, i in mapping.items() if i < len(header)}
    return {
        "mapping": mapping,
        "default_commune": form.get("default_commune") or None,
        "create_hamlets": form.get("create_hamlets") == "1",
        "include_duplicates": form.get("include_duplicates") == "1",
    }


@bp.route("/records/import/<token>", methods=["GET", "POST"])
@login_required
@role_required(*STAFF)
def import_mapping(token: str):
    """Map the file's columns, then see the dry run: bad rows with reasons and likely duplicates."""
    header, rows, _lines, filename = import_jobs.table(token, current_user.id)
    options = _options(request.form, header)
    checks = None
    if request.method == "POST":
        if "head_name" not in options["mapping"]:
            raise ValidationError(_("Choose the column with the name of the head of household."))
        header, rows, context, checks = import_jobs.checks(current_user, token, options)
    else:
        context = Context(scope_for(current_user), None, False)
    return render_template(
        "households/import_mapping.html",
        token=token,
        filename=filename,
        header=header,
        sample=rows[:3],
        total=len(rows),
        options=options,
        fields=imports.FIELDS,
        communes=sorted(context.communes.values(), key=lambda p: p.name),
        checks=checks,
        new_hamlets=_new_hamlets(context, checks) if checks is not None else {},
        reasons=imports.reasons(),
        shown=SHOWN,
    )


def _new_hamlets(context: Context, checks: list) -> dict[str, list[tuple[str, str]]]:
    """(commune name, hamlet name) of each hamlet the import would add: for new rows, and for duplicates only."""
    found: dict[str, dict] = {"fresh": {}, "duplicates": {}}
    for check in checks:
        if check.importable and check.new_hamlet:
            commune = check.values["commune_code"]
            kind = "duplicates" if check.duplicate_of else "fresh"
            found[kind].setdefault((commune, hamlet_key(check.new_hamlet)), check.new_hamlet)
    found["duplicates"] = {key: name for key, name in found["duplicates"].items() if key not in found["fresh"]}
    return {
        kind: sorted((context.communes[commune].name, name) for (commune, _key), name in hamlets.items())
        for kind, hamlets in found.items()
    }


@bp.post("/records/import/<token>/run")
@login_required
@role_required(*STAFF)
def import_run(token: str):
    """Start the import in the background and show its progress."""
    options = _options(request.form, import_jobs.table(token, current_user.id)[0])
    if "head_name" not in options["mapping"]:
        raise ValidationError(_("Choose the column with the name of the head of household."))
    if request.form.get("consent_confirmed") != "1":
        # A household is stored only with its consent to the programme, whoever adds it.
        raise ValidationError(
            _(
                "Nothing was imported: confirm that the households in this file agreed to take part in the "
                "programme. Only households that gave their consent may be registered."
            ),
            code="consent_not_confirmed",
        )
    import_jobs.start(token, options, current_user.id)
    return redirect(url_for("households.import_progress", token=token))


@bp.get("/records/import/<token>/progress")
@login_required
@role_required(*STAFF)
def import_progress(token: str):
    """A progress bar that follows the import (updated by static/js/import-progress.js)."""
    return render_template(
        "households/import_progress.html", token=token, status=import_jobs.status(token, current_user.id)
    )


@bp.get("/records/import/<token>/status.json")
@login_required
@role_required(*STAFF)
def import_status(token: str):
    """The import's progress as JSON: state, done, total, added."""
    return jsonify(import_jobs.status(token, current_user.id))
