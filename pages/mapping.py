"""Map an export no built-in parser knows: a proposed profile from its headers, corrected, previewed, saved.

The strings are kept here, in English and French: `toolkit.i18n` reads one catalogue per language
(`toolkit/locales/<lang>.toml`) and has no way to add a page's own file.
"""

from __future__ import annotations

import re
import zoneinfo
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from pages import common
from parsers.profiles import (
    FileEntry,
    Ignore,
    Profile,
    ProfileError,
    check_profile,
    check_profile_fields,
    dump_profile,
    propose_mapping,
    save_profile,
)
from parsers.profiles.model import FORMATS, column_type, unit_factors, vocabulary
from parsers.profiles.propose import column_scores, guess_unit, propose_label
from parsers.profiles.survey import survey_export
from parsers.registry import detect_platform
from toolkit.errors import IngestError
from toolkit.schema import REQUIRED, TABLES, body_columns

ZIP_KEY = "_gigdata_mapping_zip"
FILES_KEY = "_gigdata_mapping_files"
CHECK_KEY = "_gigdata_mapping_check"
STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Map an unknown export",
        "intro": "Bolt, Glovo, Just Eat, Stuart, Lyft or Amazon Flex exports have no published layout, so "
        "gigdata cannot read them on its own. Here you describe yours once, as a mapping profile: which "
        "file fills which table, which column is which. Check the preview, then download the profile to "
        "share it (with your union, or with other workers who received the same files).",
        "honest": "A profile describes the export you received, not the platform's official format. Say "
        "where it comes from in 'Source'.",
        "upload": "The export (zip)",
        "known": "gigdata already recognises this export ({platform}, {layout}): read it on the Start page.",
        "files": "Files of the export",
        "col_file": "File",
        "col_columns": "Columns",
        "col_note": "Note",
        "about": "About this profile",
        "name": "Profile name (letters, digits, - _ .)",
        "platform": "Platform (as it will be named in the data)",
        "source": "Source: where this layout comes from",
        "source_help": "For example: written by the union from one member's export received in May 2024.",
        "description": "Description",
        "zone": "Time zone of the local times",
        "zone_ask": "not stated: ask when the export is read",
        "use": "Read this file",
        "ignore_reason": "Why it is left out",
        "ignore_default": "not mapped in this profile",
        "table": "Table",
        "format": "Format",
        "mapping": "Columns (choose the schema column of each source column, and its unit)",
        "source_col": "source column",
        "target_col": "schema column",
        "unit": "unit",
        "example": "example value",
        "time_format": "Date format (strftime, e.g. %d/%m/%Y %H:%M; empty for ISO dates)",
        "delimiter": "Delimiter",
        "decimal": "Decimal separator",
        "thousands": "Thousands separator",
        "sheet": "Sheet (empty: the first)",
        "records": "Records (dotted path in the JSON; empty: the whole file)",
        "constant": "Value of {column} for every row (the file has no such column)",
        "values": "What the labels of {column} mean",
        "label": "label in the file",
        "meaning": "meaning",
        "problems": "The profile is not complete yet:",
        "preview": "Preview",
        "preview_rows": "Rows per table: {rows}",
        "missed": "Files no rule reads: {files}",
        "col_status": "Outcome",
        "col_rows": "Rows",
        "col_reason": "Detail",
        "download": "Download the profile (TOML)",
        "save": "Save in my profile folder",
        "saved": "Saved as {name}.",
        "exists": "A profile named {name} already exists in the profile folder: choose another name.",
        "unreadable": "cannot be read: {why}",
        "same_entry": "{file} is read by the same entry as {first}.",
    },
    "fr": {
        "title": "Décrire un export inconnu",
        "intro": "Les exports de Bolt, Glovo, Just Eat, Stuart, Lyft ou Amazon Flex n'ont pas de format "
        "publié : gigdata ne sait pas les lire seul. Décrivez le vôtre une fois, sous forme de profil : "
        "quel fichier remplit quelle table, quelle colonne correspond à quoi. Vérifiez l'aperçu, puis "
        "téléchargez le profil pour le partager (avec votre syndicat, ou d'autres travailleurs qui ont "
        "reçu les mêmes fichiers).",
        "honest": "Un profil décrit l'export que vous avez reçu, pas le format officiel de la plateforme. "
        "Dites d'où il vient dans « Source ».",
        "upload": "L'export (zip)",
        "known": "gigdata reconnaît déjà cet export ({platform}, {layout}) : lisez-le sur la page Accueil.",
        "files": "Fichiers de l'export",
        "col_file": "Fichier",
        "col_columns": "Colonnes",
        "col_note": "Remarque",
        "about": "À propos de ce profil",
        "name": "Nom du profil (lettres, chiffres, - _ .)",
        "platform": "Plateforme (nom donné dans les données)",
        "source": "Source : d'où vient ce format",
        "source_help": "Par exemple : écrit par le syndicat à partir de l'export d'un membre reçu "
        "en mai 2024.",
        "description": "Description",
        "zone": "Fuseau horaire des heures locales",
        "zone_ask": "non précisé : demander à la lecture de l'export",
        "use": "Lire ce fichier",
        "ignore_reason": "Pourquoi il est écarté",
        "ignore_default": "non décrit dans ce profil",
        "table": "Table",
        "format": "Format",
        "mapping": "Colonnes (choisissez la colonne du schéma de chaque colonne source, et son unité)",
        "source_col": "colonne source",
        "target_col": "colonne du schéma",
        "unit": "unité",
        "example": "exemple de valeur",
        "time_format": "Format des dates (strftime, ex. %d/%m/%Y %H:%M ; vide pour des dates ISO)",
        "delimiter": "Séparateur",
        "decimal": "Séparateur décimal",
        "thousands": "Séparateur des milliers",
        "sheet": "Feuille (vide : la première)",
        "records": "Enregistrements (chemin pointé dans le JSON ; vide : tout le fichier)",
        "constant": "Valeur de {column} pour chaque ligne (le fichier n'a pas cette colonne)",
        "values": "Ce que signifient les libellés de {column}",
        "label": "libellé dans le fichier",
        "meaning": "signification",
        "problems": "Le profil n'est pas encore complet :",
        "preview": "Aperçu",
        "preview_rows": "Lignes par table : {rows}",
        "missed": "Fichiers lus par aucune règle : {files}",
        "col_status": "Résultat",
        "col_rows": "Lignes",
        "col_reason": "Détail",
        "download": "Télécharger le profil (TOML)",
        "save": "Enregistrer dans mon dossier de profils",
        "saved": "Enregistré sous le nom {name}.",
        "exists": "Un profil nommé {name} existe déjà dans le dossier des profils : choisissez un autre nom.",
        "unreadable": "illisible : {why}",
        "same_entry": "{file} est lu par la même entrée que {first}.",
    },
}

tr = common.translator()


def t(key: str, **values: Any) -> str:
    """This page's string `key` in the session's language."""
    text = STRINGS[tr.lang][key]
    return text.format(**values) if values else text


def _head_widgets() -> Profile:
    st.subheader(t("about"))
    left, right = st.columns(2)
    name = left.text_input(t("name"), value="my-export", key="map-name")
    platform = right.text_input(t("platform"), value="", key="map-platform")
    source = st.text_area(t("source"), value="", key="map-source", help=t("source_help"))
    description = st.text_input(t("description"), value="", key="map-description")
    zones = ["", "UTC", *sorted(zoneinfo.available_timezones() - {"UTC"})]
    zone = st.selectbox(t("zone"), zones, key="map-zone", format_func=lambda z: z or t("zone_ask"))
    return Profile(
        name=name.strip(),
        platform=platform.strip().lower(),
        source=source.strip(),
        description=description.strip(),
        timezone=zone,
        files=[],
        ignore=[],
    )


def _entry_widgets(
    index: int, path: str, info: dict[str, Any], proposed: FileEntry | None
) -> FileEntry | Ignore:
    name = path.rsplit("/", 1)[-1]
    use = st.toggle(t("use"), value=proposed is not None and not info["error"], key=f"map-{index}-use")
    pattern = re.sub(r"\d+", "*", name)
    if not use:
        reason = st.text_input(t("ignore_reason"), value=t("ignore_default"), key=f"map-{index}-reason")
        return Ignore(reason=reason, path=pattern)
    tables = list(TABLES)
    left, right = st.columns(2)
    table = left.selectbox(
        t("table"), tables, index=tables.index(proposed.table) if proposed else 1, key=f"map-{index}-table"
    )
    fmt = right.selectbox(
        t("format"), FORMATS, index=FORMATS.index(info["format"]), key=f"map-{index}-format"
    )
    entry = FileEntry(
        table=table, path=pattern, format=fmt, name=name.rsplit(".", 1)[0], records=info["records"]
    )
    _column_widgets(index, info, entry, proposed)
    _format_widgets(index, entry, proposed)
    _constant_widgets(index, entry)
    _value_widgets(index, info["sample"], entry)
    return entry


def _column_widgets(index: int, info: dict[str, Any], entry: FileEntry, proposed: FileEntry | None) -> None:
    header: list[str] = info["header"]
    if proposed is not None and proposed.table == entry.table:
        chosen, units = proposed.columns, proposed.units
    else:
        chosen = {s: target for s, (target, _) in column_scores(header, entry.table).items()}
        units = {tg: u for s, tg in chosen.items() if (u := guess_unit(s, entry.table, tg))}
    sample: pd.DataFrame = info["sample"]
    rows = pd.DataFrame(
        {
            "source": header,
            "target": [chosen.get(name, "") for name in header],
            "unit": [units.get(chosen.get(name, ""), "") for name in header],
            "example": [_example(sample, name) for name in header],
        }
    )
    all_units = sorted({u for c in body_columns(entry.table) for u in unit_factors(entry.table, c)})
    edited = st.data_editor(
        rows,
        key=f"map-{index}-{entry.table}-columns",
        hide_index=True,
        width="stretch",
        disabled=["source", "example"],
        column_config={
            "source": st.column_config.TextColumn(t("source_col")),
            "target": st.column_config.SelectboxColumn(
                t("target_col"), options=["", *body_columns(entry.table)]
            ),
            "unit": st.column_config.SelectboxColumn(t("unit"), options=["", *all_units]),
            "example": st.column_config.TextColumn(t("example")),
        },
    )
    for _, row in edited.iterrows():
        if row["target"]:
            entry.columns[str(row["source"])] = str(row["target"])
            if row["unit"]:
                entry.units[str(row["target"])] = str(row["unit"])


def _format_widgets(index: int, entry: FileEntry, proposed: FileEntry | None) -> None:
    given = proposed if proposed is not None else FileEntry(table=entry.table)
    cols = st.columns(3)
    fmt = cols[0].text_input(
        t("time_format"), value=(given.timestamp_format or [""])[0], key=f"map-{index}-tf"
    )
    entry.timestamp_format = [fmt] if fmt.strip() else []
    if entry.format == "csv":
        delimiter = cols[1].selectbox(
            t("delimiter"),
            ["", ",", ";", "\t", "|"],
            key=f"map-{index}-delim",
            format_func=lambda d: {"": "auto", "\t": "TAB"}.get(d, d),
        )
        entry.delimiter = delimiter
    if entry.format == "xlsx":
        entry.sheet = cols[1].text_input(t("sheet"), value="", key=f"map-{index}-sheet").strip()
    if entry.format == "json":
        entry.records = (
            cols[1].text_input(t("records"), value=entry.records, key=f"map-{index}-records").strip()
        )
    decimals = [".", ","]
    entry.decimal = cols[2].selectbox(
        t("decimal"), decimals, index=decimals.index(given.decimal), key=f"map-{index}-decimal"
    )
    thousands = ["", " ", ".", ",", "'"]
    entry.thousands = cols[2].selectbox(
        t("thousands"),
        thousands,
        index=thousands.index(given.thousands) if given.thousands in thousands else 0,
        key=f"map-{index}-thousands",
        format_func=lambda s: repr(s) if s else "—",
    )


def _constant_widgets(index: int, entry: FileEntry) -> None:
    for column in REQUIRED[entry.table]:
        if column in entry.columns.values():
            continue
        label, key = t("constant", column=column), f"map-{index}-{entry.table}-const-{column}"
        allowed = vocabulary(entry.table, column)
        if allowed is not None:
            value: Any = st.selectbox(label, ["", *allowed], key=key)
        elif column_type(entry.table, column) == "float":
            value = st.number_input(label, value=None, key=key)
        else:
            value = st.text_input(label, value="", key=key).strip()
        if value not in ("", None):
            entry.constants[column] = value


def _value_widgets(index: int, sample: pd.DataFrame, entry: FileEntry) -> None:
    for source, target in entry.columns.items():
        allowed = vocabulary(entry.table, target)
        if allowed is None or source not in sample:
            continue
        labels = sorted({str(v) for v in sample[source].dropna()})[:40]
        meaning = [propose_label(entry.table, target, v) if target != "online" else "" for v in labels]
        edited = st.data_editor(
            pd.DataFrame({"label": labels, "meaning": meaning}),
            hide_index=True,
            disabled=["label"],
            key=f"map-{index}-{entry.table}-values-{target}",
            column_config={
                "label": st.column_config.TextColumn(t("label")),
                "meaning": st.column_config.SelectboxColumn(t("meaning"), options=["", *allowed]),
            },
        )
        st.caption(t("values", column=target))
        mapped = {str(r["label"]): str(r["meaning"]) for _, r in edited.iterrows() if r["meaning"]}
        if mapped:
            entry.values[target] = mapped


def _example(sample: pd.DataFrame, name: str) -> str:
    if name not in sample:
        return ""
    values = sample[name].dropna()
    return str(values.iloc[0])[:40] if len(values) else ""


def _preview(profile: Profile, export: Path) -> None:
    """What the profile makes of the export, computed again only when the profile changes (each widget
    change reruns the page; a large export is read once per version of the profile)."""
    st.subheader(t("preview"))
    key = (str(export), dump_profile(profile))
    held = st.session_state.get(CHECK_KEY)
    if held is None or held[0] != key:
        with common.ingest_gate():
            held = (key, check_profile(profile, export))
        st.session_state[CHECK_KEY] = held
    result = held[1]
    if result.error is not None:
        st.error(result.error["detail"])
        return
    rows = ", ".join(f"{table} {tr.integer(n)}" for table, n in result.rows.items()) or "0"
    st.write(t("preview_rows", rows=rows))
    if result.missed_files:
        st.warning(t("missed", files=", ".join(result.missed_files)))
    st.dataframe(
        pd.DataFrame(
            {
                t("col_file"): [f.path for f in result.files],
                t("col_status"): [f.status for f in result.files],
                t("col_rows"): [sum(f.rows.values()) for f in result.files],
                t("col_reason"): [f.reason for f in result.files],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    for item in result.files:
        for table, frame in item.preview.items():
            st.caption(f"{item.path} → {table}")
            st.dataframe(frame, hide_index=True, width="stretch")


st.title(t("title"))
st.write(t("intro"))
st.info(t("honest"))
upload = st.file_uploader(t("upload"), type=["zip"], key="map-upload")
if upload is not None and st.session_state.get("_gigdata_mapping_upload") != upload.file_id:
    uploads = common.session_store() / ".uploads"
    uploads.mkdir(exist_ok=True)
    st.session_state[ZIP_KEY] = str(common.upload_to_file(upload, uploads))
    st.session_state["_gigdata_mapping_upload"] = upload.file_id
    st.session_state.pop(FILES_KEY, None)

zip_path = st.session_state.get(ZIP_KEY)
if not zip_path or not Path(zip_path).is_file():
    st.stop()
try:
    if FILES_KEY not in st.session_state:
        st.session_state[FILES_KEY] = survey_export(Path(zip_path))
except IngestError as exc:
    st.error(exc.detail)
    st.stop()
files: dict[str, dict[str, Any]] = st.session_state[FILES_KEY]
found = detect_platform(list(files))
if found is not None:
    st.info(t("known", platform=found.platform, layout=found.layout))

st.subheader(t("files"))
st.dataframe(
    pd.DataFrame(
        {
            t("col_file"): list(files),
            t("col_columns"): [
                ", ".join(i["header"][:12]) + (" …" if len(i["header"]) > 12 else "") for i in files.values()
            ],
            t("col_note"): [t("unreadable", why=i["error"]) if i["error"] else "" for i in files.values()],
        }
    ),
    hide_index=True,
    width="stretch",
)

draft = propose_mapping(
    {p: i["header"] for p, i in files.items() if not i["error"]},
    samples={p: i["sample"] for p, i in files.items() if not i["error"]},
)
proposals = {entry.path: entry for entry in draft.files}
profile = _head_widgets()
covered: dict[str, str] = {}
for number, (path, info) in enumerate(files.items()):
    name = path.rsplit("/", 1)[-1]
    pattern = re.sub(r"\d+", "*", name)
    if pattern in covered:
        st.caption(t("same_entry", file=path, first=covered[pattern]))
        continue
    covered[pattern] = path
    with st.expander(path, expanded=pattern in proposals and not info["error"]):
        made = _entry_widgets(number, path, info, None if info["error"] else proposals.get(pattern))
    (profile.files if isinstance(made, FileEntry) else profile.ignore).append(made)

problems = check_profile_fields(profile)
if problems:
    st.warning(t("problems"))
    st.markdown("\n".join(f"- `{key}`: {message}" for key, message in problems))
    st.stop()
_preview(profile, Path(zip_path))
text = dump_profile(profile)
left, right = st.columns(2)
left.download_button(
    t("download"), text, file_name=f"{profile.name}.toml", mime="application/toml", key="map-download"
)
if right.button(t("save"), key="map-save"):
    try:
        saved = save_profile(profile)
        st.success(t("saved", name=saved.name))
    except FileExistsError:
        st.warning(t("exists", name=profile.name))
    except ProfileError as exc:
        st.error(str(exc))
