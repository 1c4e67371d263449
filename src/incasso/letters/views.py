"""Screens for letters: template editing with a live preview on a real case and B1 language advice
(`plain_language`, shown, never refused), letterheads, reprints; and the SMS provider's status
reports (`sms_status_report`, no login: a secret in the URL).

Supervisors and administrators edit templates; officers get 403; client users get 404 (they may not
learn these screens exist). Letterheads: administrators only. Templates and letterheads serve every
client: staff restricted to some clients get 403. A reprint serves the archived bytes.
"""

from __future__ import annotations

import base64
import hmac
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from incasso.audit.models import AccessKind
from incasso.audit.services import access_record
from incasso.cases.selectors import case_get_for_user
from incasso.core.access import (
    can_write,
    require_agency_wide,
    require_write,
    scope_to_clients,
    staff_required,
)
from incasso.core.exceptions import DomainError
from incasso.core.formatting import choice_label
from incasso.core.forms import Form
from incasso.core.htmx import reload_page, timeline_changed
from incasso.letters.delivery_reports import sms_report_apply
from incasso.letters.forms import LetterReturnForm, SendLetterForm
from incasso.letters.models import Delivery, Language, Letterhead, LetterTemplate, SentLetter, TemplateCode
from incasso.letters.plain_language import template_findings
from incasso.letters.queueing import letter_preview, manual_key, message_queue
from incasso.letters.rendering import render_letter_png
from incasso.letters.returns import LetterReturn, letter_return_record, returnable_letters
from incasso.letters.sandbox import CLAIM_FIELDS, FIELDS, INSTALMENT_FIELDS
from incasso.letters.selectors import messages_for_case, template_active, template_list, template_versions
from incasso.letters.services import letter_compose, template_check, template_save
from incasso.letters.sms import sms_report_read
from incasso.letters.sms_signature import HEADER as SIGNATURE_HEADER
from incasso.letters.sms_signature import SignatureInvalid, signature_verify

View = Callable[..., HttpResponse]
log = logging.getLogger(__name__)


def _roles(*roles: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            role = getattr(request.user, "role", None)
            if role == "client_user" or role is None:
                raise Http404
            if role not in roles:
                raise PermissionDenied(_("Not allowed for this role"))
            require_agency_wide(request.user)  # templates and letterheads serve every client
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorator


class TemplateForm(forms.Form):
    subject = forms.CharField(
        label="Onderwerp", max_length=200, widget=forms.TextInput(attrs={"style": "width: 100%"})
    )
    body = forms.CharField(label="Tekst", widget=forms.Textarea(attrs={"rows": 22}))
    short_text = forms.CharField(
        label="Sms-tekst", required=False, max_length=480, widget=forms.Textarea(attrs={"rows": 3})
    )


def _valid_code(code: str, language: str) -> None:
    if code not in TemplateCode.values or language not in Language.values:
        raise Http404


@_roles("supervisor", "administrator")
def templates(request: HttpRequest) -> HttpResponse:
    return render(request, "letters/template_list.html", {"templates": template_list()})


@_roles("supervisor", "administrator")
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, code: str, language: str) -> HttpResponse:
    _valid_code(code, language)
    current = template_active(code=code, language=language)
    form = TemplateForm(
        request.POST or None,
        initial={"subject": current.subject, "body": current.body, "short_text": current.short_text},
    )
    if request.method == "POST" and form.is_valid():
        try:
            template_save(code=code, language=language, user=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error("body" if exc.field not in ("onderwerp", "sms-tekst") else None, exc.message)
        else:
            return redirect("letters:template_edit", code=code, language=language)
    # B1 advice on the text on screen (the submitted one when it was refused): never a refusal
    text = request.POST if form.is_bound else form.initial
    findings = template_findings(
        subject=text.get("subject", ""),
        body=text.get("body", "").replace("\r\n", "\n"),
        short_text=text.get("short_text", ""),
        language=language,
    )
    return render(
        request,
        "letters/template_edit.html",
        {
            "form": form,
            "current": current,
            "versions": template_versions(code=code, language=language)[:10],
            "fields": FIELDS,
            "claim_fields": CLAIM_FIELDS,
            "instalment_fields": INSTALMENT_FIELDS,
            "code": code,
            "language": language,
            "findings": findings,
        },
        status=422 if form.errors else 200,
    )


@_roles("supervisor", "administrator")
@require_POST
def template_preview(request: HttpRequest, code: str, language: str) -> HttpResponse:
    """The htmx fragment: the unsaved text rendered for a real case (scoped like every case read)."""
    _valid_code(code, language)
    form = TemplateForm(request.POST)
    number = request.POST.get("case", "").strip()
    context: dict[str, Any] = {"number": number}
    if not number:
        context["error"] = _("Choose a case number for the preview.")
    elif form.is_valid():
        try:
            template_check(code=code, **form.cleaned_data)
            case = case_get_for_user(user=request.user, number=number)
            draft = LetterTemplate(code=code, language=language, version=0, **form.cleaned_data)
            data, _t, sms, _c = letter_compose(
                case=case, template_code=code, language=language, on=timezone.localdate(), template=draft
            )
            context["png"] = base64.b64encode(render_letter_png(data, ppi=80)).decode("ascii")
            context["sms"] = sms
        except Http404:
            context["error"] = _("Case %(number)s does not exist.") % {"number": number}
        except (DomainError, ValueError) as exc:
            context["error"] = getattr(exc, "message", str(exc))
    else:
        context["error"] = _("Fill in the subject and the text.")
    return render(request, "letters/template_edit.html#preview", context)


class LetterheadForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Letterhead
        fields = [
            "client",
            "name",
            "address",
            "return_address",
            "return_address_en",
            "wki_registration",
            "kvk",
            "iban",
            "bic",
            "account_holder",
            "phone",
            "email",
            "website",
            "complaint_line",
            "complaint_line_en",
            "signer_name",
        ]


@_roles("administrator")
def letterheads(request: HttpRequest) -> HttpResponse:
    heads = Letterhead.objects.select_related("client").order_by("client__name")
    return render(request, "letters/letterhead_list.html", {"letterheads": heads})


@_roles("administrator")
@require_http_methods(["GET", "POST"])
def letterhead_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    head = get_object_or_404(Letterhead, pk=pk) if pk else None
    form = LetterheadForm(request.POST or None, instance=head)
    if request.method == "POST" and form.is_valid():
        form.save()  # a plain settings record: no cross-model rules, the form's validation is the service
        return redirect("letters:letterheads")
    return render(
        request,
        "letters/letterhead_edit.html",
        {"form": form, "head": head},
        status=422 if form.errors else 200,
    )


@login_required
def sent_letter_pdf(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    """A reprint: the archived bytes, exactly as sent (404 outside the user's cases)."""
    case = case_get_for_user(user=request.user, number=number)
    sent = get_object_or_404(SentLetter, pk=pk, case=case, pdf__isnull=False)
    access_record(
        user=request.user,
        case=case,
        kind=AccessKind.LETTER_PDF,
        detail=f"{sent.template.code} {sent.letter_date}",
    )
    response = HttpResponse(bytes(sent.pdf or b""), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{case.number}-{sent.template.code}-{sent.letter_date}.pdf"'
    )
    response["X-Content-SHA256"] = sent.sha256
    return response


def _messages_panel(
    request: HttpRequest,
    case: Any,
    form: SendLetterForm | None = None,
    status: int = 200,
    return_form: LetterReturnForm | None = None,
    **extra: Any,
) -> HttpResponse:
    writable = can_write(request.user)
    if writable and form is None:
        form = SendLetterForm(language=case.debtor.language)
    if writable and return_form is None:
        letters = returnable_letters(case=case)
        return_form = LetterReturnForm(letters=letters) if letters else None
    context = {
        "case": case,
        "messages": messages_for_case(case=case),
        "can_write": writable,
        "send_form": form,
        "return_form": return_form,
    }
    return render(request, "letters/_case_messages.html", {**context, **extra}, status=status)


@login_required
def case_messages_panel(request: HttpRequest, number: str) -> HttpResponse:
    """The case's letters, e-mails and SMS with their status: a panel the case screen loads (htmx);
    for staff with the "send a letter" form."""
    case = case_get_for_user(user=request.user, number=number)
    return _messages_panel(request, case)


@login_required
@require_POST
def case_letter_send(request: HttpRequest, number: str) -> HttpResponse:
    """Send a letter by hand (staff): "preview" shows the letter as it would go and what the guards
    say, writing nothing; "send" queues it (`message_queue`, once per letter, case and day) for the
    print batch or the e-mail/SMS sender. A refusal names the guard's reason and writes nothing."""
    case = case_get_for_user(user=request.user, number=number)
    require_write(request.user)
    form = SendLetterForm(request.POST, language=case.debtor.language)
    if not form.is_valid():
        return _messages_panel(request, case, form, status=422)
    code, channel = form.cleaned_data["template_code"], form.cleaned_data["channel"]
    now = timezone.now()
    today = timezone.localdate(now)
    if request.POST.get("action") != "send":
        return _messages_panel(
            request,
            case,
            form,
            preview=letter_preview(case=case, template_code=code, channel=channel, on=today, now=now),
        )
    try:
        queued = message_queue(
            case=case,
            template_code=code,
            channel=channel,
            actor=request.user,
            reason=manual_key(today),
            refuse=True,
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _messages_panel(request, case, form, status=422)
    label = capfirst(choice_label(TemplateCode, code))
    if queued.created:
        done = _("%(letter)s queued: it goes out with the next post or e-mail/SMS round.") % {"letter": label}
    else:
        done = _("%(letter)s was already queued today; nothing was added.") % {"letter": label}
    return timeline_changed(_messages_panel(request, case, done=done))


def _return_record(request: HttpRequest, case: Any, form: LetterReturnForm) -> bool:
    """Record the return the valid `form` names; a refusal goes onto the form. Whether it was recorded."""
    data = form.cleaned_data
    try:
        done = letter_return_record(
            case=case,
            message_id=data["message"],
            reason=data["reason"],
            returned_on=data["returned_on"],
            note=data["note"],
            actor=request.user,
        )
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return False
    messages.success(request, _return_done(case, done))
    return True


def _return_done(case: Any, done: LetterReturn) -> str:
    letter = capfirst(choice_label(TemplateCode, done.message.template_code))
    if done.counts_as_received:
        return _("%(letter)s of case %(number)s recorded as returned; it counts as received.") % {
            "letter": letter,
            "number": case.number,
        }
    return _(
        "%(letter)s of case %(number)s recorded as returned; the timeline and the tasks say what follows."
    ) % {"letter": letter, "number": case.number}


@staff_required
@require_POST
def case_letter_return(request: HttpRequest, number: str) -> HttpResponse:
    """A letter of the case came back by post (the letters panel): recorded, then the case screen
    reloads (the letter, the address, the tasks and the timeline may all change). A refusal shows
    the panel with the form and its errors, and writes nothing."""
    case = case_get_for_user(user=request.user, number=number)
    form = LetterReturnForm(request.POST, letters=returnable_letters(case=case))
    if form.is_valid() and _return_record(request, case, form):
        return reload_page(request, f"{reverse('cases:detail', args=[case.number])}#messages")
    return _messages_panel(request, case, return_form=form, status=422, return_open=True)


class CaseNumberForm(Form):
    case = forms.CharField(label=gettext_lazy("Our reference (case number)"), max_length=30)


@staff_required
@require_http_methods(["GET", "POST"])
def returned_post(request: HttpRequest) -> HttpResponse:
    """Returned post, envelope after envelope: the case number printed on the letter finds the case,
    the officer picks the letter (by its date), the reason on the post's sticker and the date; saved,
    the page is ready for the next envelope. The returns recorded lately are listed below."""
    lookup = CaseNumberForm(request.GET or None)
    case, form = None, None
    if lookup.is_valid():
        number = lookup.cleaned_data["case"].strip()
        try:
            case = case_get_for_user(user=request.user, number=number)
        except Http404:
            lookup.add_error("case", _("No case %(number)s among your cases") % {"number": number})
    if case is not None:
        letters = returnable_letters(case=case)
        form = LetterReturnForm(request.POST if request.method == "POST" else None, letters=letters)
        if not letters:
            lookup.add_error(
                "case",
                _("Case %(number)s has no letter by post that could have come back")
                % {"number": case.number},
            )
            form = None
        elif request.method == "POST" and form.is_valid() and _return_record(request, case, form):
            return redirect(f"{reverse('letters:returned_post')}#case")
        else:
            form.fields["reason"].widget.attrs["autofocus"] = True  # the envelope's sticker comes next
    recent = (
        scope_to_clients(
            Delivery.objects.filter(returned_on__isnull=False),
            user=request.user,
            field="message__case__client_id",
        )
        .select_related("message__case__debtor")
        .order_by("-returned_on", "-pk")[:25]
    )
    return render(
        request,
        "letters/returned_post.html",
        {"lookup": lookup, "case": case, "form": form, "recent": recent},
        status=422 if form is not None and form.errors else 200,
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def sms_status_report(request: HttpRequest, token: str) -> HttpResponse:
    """The SMS provider's status report for a message (MessageBird calls it with query or form
    parameters). No login: the secret in the URL (INCASSO_SMS_WEBHOOK_TOKEN) is the check, and without
    one configured the URL does not exist. A report that is not ours is answered 200 "ignored" (a
    provider retries any other answer forever); a malformed one 400, naming the field. With a signing
    key configured (INCASSO_SMS_SIGNING_KEY), a report without MessageBird's valid signature for this
    URL and body is refused with 403 and read no further (`sms_signature`)."""
    expected = str(getattr(settings, "INCASSO_SMS_WEBHOOK_TOKEN", ""))
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        raise Http404
    signing_key = str(getattr(settings, "INCASSO_SMS_SIGNING_KEY", ""))
    if signing_key:
        site = str(getattr(settings, "INCASSO_SITE_URL", "")).rstrip("/")
        called = f"{site}{request.get_full_path()}" if site else request.build_absolute_uri()
        try:
            signature_verify(
                request.headers.get(SIGNATURE_HEADER, ""), key=signing_key, url=called, body=request.body
            )
        except SignatureInvalid as exc:
            log.warning("SMS status report refused: %s (%s)", exc, called.split("?")[0])
            return HttpResponseForbidden("invalid signature", content_type="text/plain; charset=utf-8")
    try:
        report = sms_report_read({**request.GET.dict(), **request.POST.dict()})
    except DomainError as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    outcome = sms_report_apply(report=report, now=timezone.now())
    return HttpResponse(outcome, content_type="text/plain; charset=utf-8")
