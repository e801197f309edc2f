"""Ask for my data: what the export left out, the letter (first request, follow-up, reminder, complaint) as
PDF and text, and the tracker of the requests sent with their due dates (the same as `gigdata request`)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from pages import common, style
from toolkit.access import letters
from toolkit.access.ics import calendar_bytes
from toolkit.access.reference import GROUNDS, ROUTES, platform, platforms
from toolkit.access.tracker import (
    TrackerError,
    add_request,
    first_request,
    load_me,
    load_requests,
    request_row,
    save_me,
    update_request,
)
from toolkit.i18n import LANGUAGES, text
from toolkit.words import platform_words

WORKER = "me"
KINDS = ("request", "follow-up", "reminder", "complaint")

view = common.current_view()
tr = view.tr
today = date.today()


st.title(tr("request.title"))
st.write(tr("request.intro"))
st.caption(tr("request.page.session_note"))

worker = view.worker or WORKER
gaps = common.gaps(view, worker, tr.lang) if view.version else []
if view.platform is not None:
    gaps = [g for g in gaps if g.platform == view.platform]

st.subheader(tr("request.check.title"))
if not view.version:
    st.info(tr("request.page.no_export"))
elif not gaps:
    st.success(tr("request.page.no_gaps"))
else:
    st.write(tr("request.page.gaps_intro"))
    for name, lines in style.gap_lines(gaps, tr).items():
        with st.container(border=True):
            st.markdown(f"**{style.escape(platform_words(name, tr))}**")
            for gap, line in zip([g for g in gaps if g.platform == name], lines, strict=True):
                st.markdown(f"- {style.escape(line)}")
                st.caption(style.escape(gap.source))

st.subheader(tr("request.me.title"))
me = load_me(view.store)
with st.form("ask-me"):
    left, right = st.columns(2)
    name = left.text_input(tr("request.me.name"), value=me.get("name", ""), key="ask-name")
    email = right.text_input(tr("request.me.email"), value=me.get("email", ""), key="ask-email")
    account = left.text_input(tr("request.me.account"), value=me.get("account", ""), key="ask-account")
    city = right.text_input(tr("request.me.city"), value=me.get("city", ""), key="ask-city")
    country = left.text_input(tr("request.me.country"), value=me.get("country", "").upper(), max_chars=2,
                              key="ask-country")
    address = right.text_area(tr("request.me.address"), value=me.get("address", ""), key="ask-address",
                              height=80)
    if st.form_submit_button(tr("request.me.save"), type="primary"):
        try:
            me = save_me(view.store, name=name, email=email, account=account, city=city, country=country,
                         address=address)
            st.success(tr("request.me.saved"))
        except TrackerError as exc:
            st.error(tr("request.page.error", reason=str(exc)))

st.subheader(tr("request.page.letter_title"))
keys = platforms()
held = [view.platform] if view.platform else sorted({g.platform for g in gaps})
default = next((k for k in held if k in keys), keys[0])
c1, c2, c3 = st.columns(3)
chosen = c1.selectbox(tr("request.page.platform"), keys, index=keys.index(default),
                      format_func=lambda k: platform(k).shown(tr.lang), key="ask-platform")
ground = c2.selectbox(tr("request.page.ground"), GROUNDS,
                      format_func=lambda g: tr(f"request.ground.{g}.name"), key="ask-ground")
lang = c3.selectbox(tr("request.page.lang"), LANGUAGES, index=LANGUAGES.index(tr.lang),
                    format_func=lambda code: text("common.language_name", code), key="ask-lang")
kind = st.radio(tr("request.page.kind"), KINDS, horizontal=True,
                format_func=lambda k: tr(f"request.page.kind_{k.replace('-', '_')}"), key="ask-kind")
period = None
if kind == "request":
    p1, p2 = st.columns(2)
    asked_from = p1.date_input(tr("request.page.period_from"), value=None, max_value=today,
                               format=tr("start.date_format"), key="ask-from")
    asked_to = p2.date_input(tr("request.page.period_to"), value=None, max_value=today,
                             format=tr("start.date_format"), key="ask-to")
    if asked_from and asked_to and asked_from <= asked_to:
        period = (asked_from, asked_to)
try:
    first = first_request(view.store, chosen, worker)
    if kind == "request":
        made = letters.request_letter(chosen, ground, lang, me, period=period)
    elif first is None:
        raise letters.LetterError("no request recorded", "no_first")
    elif kind == "reminder":
        made = letters.reminder_letter(first, lang, me)
    else:
        mine = [g for g in common.gaps(view, worker, lang) if g.platform == chosen]
        made = (letters.follow_up_letter(first, mine, lang, me) if kind == "follow-up"
                else letters.complaint_letter(first, lang, me, gaps=mine if first.answered else None))
except letters.LetterError as exc:
    st.warning(tr("request.page.error", reason=exc.words(tr)))
except TrackerError as exc:
    st.warning(tr("request.page.error", reason=str(exc)))
else:
    st.caption(tr("request.page.preview"))
    st.code(made.text(), language=None, wrap_lines=True)
    d1, d2 = st.columns(2)
    stem = f"gigdata-{made.kind}-{made.platform}-{made.ground}-{made.lang}"
    d1.download_button(tr("request.page.download_pdf"), data=made.pdf(), file_name=f"{stem}.pdf",
                       mime="application/pdf", type="primary", key="ask-pdf", on_click="ignore")
    d2.download_button(tr("request.page.download_txt"), data=made.text().encode("utf-8"),
                       file_name=f"{stem}.txt", mime="text/plain", key="ask-txt", on_click="ignore")

st.subheader(tr("request.page.tracker"))
with st.form("ask-track", clear_on_submit=True):
    t1, t2, t3 = st.columns(3)
    sent = t1.date_input(tr("request.page.sent_on"), value=today, max_value=today,
                         format=tr("start.date_format"), key="ask-sent")
    via = t2.selectbox(tr("request.page.via"), ROUTES, format_func=lambda r: tr(f"request.page.via_{r}"),
                       key="ask-via")
    t3.write("")
    if st.form_submit_button(tr("request.page.record"), type="primary"):
        try:
            done = add_request(view.store, platform=chosen, ground=ground, sent=sent, via=via, worker=worker,
                               period_from=period[0] if period else None,
                               period_to=period[1] if period else None)
            st.success(tr("request.track.saved", id=done.id, platform=platform(chosen).shown(tr.lang),
                          ground=tr(f"request.ground.{ground}.name"), sent=tr.date(done.sent),
                          due=tr.date(done.due)))
        except TrackerError as exc:
            st.error(tr("request.page.error", reason=str(exc)))
st.caption(tr("request.page.track_hint", platform=platform(chosen).shown(tr.lang),
              ground=tr(f"request.ground.{ground}.name")))

requests = load_requests(view.store)
if not requests:
    st.write(tr("request.track.none"))
else:
    rows = [request_row(r, today) for r in requests]
    shown = pd.DataFrame([{tr("request.track.col_id"): r["id"],
                           tr("request.track.col_platform"): platform(r["platform"]).shown(tr.lang),
                           tr("request.track.col_ground"): tr(f"request.ground.{r['ground']}.name"),
                           tr("request.track.col_sent"): tr.date(r["sent"]),
                           tr("request.track.col_due"): tr.date(r["due"]),
                           tr("request.track.col_status"): tr(f"request.track.status_{r['status']}"),
                           tr("request.track.col_answered"): tr.date(r["answered"]) if r["answered"] else "",
                           } for r in rows])
    st.dataframe(shown, hide_index=True, width="stretch", key="ask-requests")
    overdue = [r for r in rows if r["status"] == "overdue"]
    for r in overdue:
        st.warning(tr("request.page.overdue", platform=platform(r["platform"]).shown(tr.lang),
                      due=tr.date(r["due"])))
    with st.form("ask-update"):
        u1, u2, u3 = st.columns(3)
        labels = {r.id: f"{r.id} · {platform(r.platform).shown(tr.lang)} · {tr.date(r.sent)}"
                  for r in requests}
        which = u1.selectbox(tr("request.track.col_id"), list(labels), format_func=labels.__getitem__,
                             key="ask-which")
        what = u2.selectbox(tr("request.page.event"), ("answered", "extension_notice", "reminder_sent",
                                                       "complaint_filed"),
                            format_func=lambda e: tr(f"request.page.event_{e}"), key="ask-event")
        on = u3.date_input(tr("request.page.on"), value=today, max_value=today,
                           format=tr("start.date_format"), key="ask-on")
        v1, v2 = st.columns(2)
        language = v1.text_input(tr("request.page.answer_language"), max_chars=12, key="ask-language",
                                 help=tr("request.page.answer_language_help"))
        reason = v2.text_input(tr("request.page.extension_reason"), max_chars=200, key="ask-reason")
        if st.form_submit_button(tr("request.page.update")):
            extra = ({"answer_language": language.strip() or None} if what == "answered" else
                     {"extension_reason": reason.strip() or None} if what == "extension_notice" else {})
            try:
                changed = update_request(view.store, which, **{what: on}, **extra)
                st.success(tr("request.track.updated", id=changed.id,
                              status=tr(f"request.track.status_{request_row(changed, today)['status']}"),
                              due=tr.date(changed.due)))
            except TrackerError as exc:
                st.error(tr("request.page.error", reason=str(exc)))
    st.download_button(tr("request.page.calendar"), data=calendar_bytes(load_requests(view.store), tr.lang),
                       file_name="gigdata-requests.ics", mime="text/calendar", key="ask-ics",
                       on_click="ignore")
