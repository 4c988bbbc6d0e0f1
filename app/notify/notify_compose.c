/* notify_compose: a message is rendered when it is sent, not when it is written, so a mail
 * that waited out an SMTP outage still shows the event's current time; what the rows cannot
 * say any more (an event's old time, a refund's amount) comes from the message's payload. */
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "core/arena.h"
#include "core/config.h"
#include "core/format.h"
#include "core/link_key.h"
#include "core/template.h"
#include "core/ticket_code.h"
#include "db/db_accounts.h"
#include "db/db_outbox.h"
#include "db/db_tickets.h"
#include "net/mail_format.h"
#include "notify/notify_compose.h"
#include "tickets/eticket.h"
#include "tickets/qr.h"

/* Pixels per QR module in the mail's inline images: 47 characters make a 37-module code,
 * 45 with the quiet zone, so 270 px wide, shown at 180. */
#define NOTIFY_QR_MODULE_PX 6

struct notify_kind {
	const char *name;
	bool tickets;                    /* lists the tickets, with their PDF and QR codes */
	bool single_ticket;              /* always about one ticket (an attendee's mail) */
	bool account;                    /* about an account, not a booking (ref_id: below) */
	const char *link;                /* its link's purpose (ref_id is the account_tokens row),
					  * or NULL (ref_id is the account) */
	const char *link_path;           /* where the link opens */
};

static const struct notify_kind KINDS[] = {
	{ OUTBOX_BOOKING_CONFIRMED, true, false, false, NULL, NULL },
	{ OUTBOX_TICKET_ISSUED, true, true, false, NULL, NULL },
	{ OUTBOX_EVENT_CHANGED, true, false, false, NULL, NULL },
	{ OUTBOX_EVENT_CANCELLED, false, false, false, NULL, NULL },
	{ OUTBOX_PAYMENT_FAILED, false, false, false, NULL, NULL },
	{ OUTBOX_HOLD_EXPIRED, false, false, false, NULL, NULL },
	{ OUTBOX_REFUND_ISSUED, false, false, false, NULL, NULL },
	{ OUTBOX_LATE_PAYMENT_REFUNDED, false, false, false, NULL, NULL },
	{ OUTBOX_ACCOUNT_VERIFY, false, false, true, "verify", "/account/verify/" },
	{ OUTBOX_EMAIL_CHANGE, false, false, true, "email_change", "/account/verify/" },
	{ OUTBOX_PASSWORD_RESET, false, false, true, "reset", "/account/reset/" },
	{ OUTBOX_ACCOUNT_EXISTS, false, false, true, NULL, NULL },
};

static const struct notify_kind *notify_kind(const char *name)
{
	for (size_t i = 0; name && i < sizeof KINDS / sizeof KINDS[0]; i++)
		if (strcmp(KINDS[i].name, name) == 0)
			return &KINDS[i];
	return NULL;
}

bool notify_kind_known(const char *kind)
{
	return notify_kind(kind) != NULL;
}

/* The one ticket a message is about, or 0 for the whole booking: an attendee's own ticket, and
 * an event's notice to a ticket's holder (its row names the ticket) rather than to the buyer. */
static long long notify_own_ticket(const struct notify_kind *kind, const struct outbox_message *m)
{
	return kind->single_ticket || m->ticket_id > 0 ? m->ticket_id : 0;
}

/* "host" of Site.URL, for Message-IDs. */
static const char *notify_site_host(struct arena *a, const char *url)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	size_t n = strcspn(p, ":/");
	return n ? arena_printf(a, "%.*s", (int)n, p) : "localhost";
}

static const struct eticket *notify_ticket(const struct eticket_booking *b, long long ticket_id)
{
	for (int i = 0; i < b->ntickets; i++)
		if (b->tickets[i].ticket_id == ticket_id)
			return &b->tickets[i];
	return NULL;
}

static void notify_fill_tickets(const struct config *cfg, struct arena *a, HDF *hdf,
				const struct eticket_booking *b, long long only_ticket_id)
{
	int n = 0;
	for (int i = 0; i < b->ntickets; i++) {
		const struct eticket *t = &b->tickets[i];
		if (only_ticket_id && t->ticket_id != only_ticket_id)
			continue;
		hdf_set_valuef(hdf, "Tickets.%d.Seat=%s", n, eticket_seat_line(a, t));
		hdf_set_valuef(hdf, "Tickets.%d.Holder=%s", n, eticket_holder(b, t));
		hdf_set_valuef(hdf, "Tickets.%d.Price=%s", n, format_money(a, t->price_cents, b->currency));
		hdf_set_valuef(hdf, "Tickets.%d.Code=%s", n, t->code);
		hdf_set_valuef(hdf, "Tickets.%d.CodeDisplay=%s", n, ticket_code_display(a, t->code));
		hdf_set_valuef(hdf, "Tickets.%d.URL=%s/tickets/%s", n, cfg->site_url, t->code);
		hdf_set_valuef(hdf, "Tickets.%d.PdfURL=%s/tickets/%s.pdf", n, cfg->site_url, t->code);
		hdf_set_valuef(hdf, "Tickets.%d.Qr=qr-%lld@boxoffice", n, t->ticket_id);
		n++;
	}
	hdf_set_int_value(hdf, "Booking.Count", n);
}

/* What the payload keeps: a refund's amount, an event's time and place before it moved. */
static void notify_fill_payload(struct arena *a, HDF *hdf, const char *payload, const char *currency)
{
	struct json_object *o = payload ? json_tokener_parse(payload) : NULL, *v;
	if (o == NULL)
		return;
	if (json_object_object_get_ex(o, "amountCents", &v))
		hdf_set_value(hdf, "Refund.Amount", format_money(a, json_object_get_int64(v), currency));
	struct json_object *local, *offset, *zone;
	if (json_object_object_get_ex(o, "oldStartsLocal", &local) &&
	    json_object_object_get_ex(o, "oldUtcOffset", &offset) &&
	    json_object_object_get_ex(o, "oldTimezone", &zone)) {
		struct event_time when;
		format_event_time(a, json_object_get_string(local), (int)json_object_get_int(offset),
				  json_object_get_string(zone), &when);
		hdf_set_value(hdf, "Old.When", arena_printf(a, "%s, %s · %s", when.date, when.time, when.zone));
	}
	if (json_object_object_get_ex(o, "oldVenue", &v))
		hdf_set_value(hdf, "Old.Venue", json_object_get_string(v));
	if (json_object_object_get_ex(o, "oldCity", &v))
		hdf_set_value(hdf, "Old.City", json_object_get_string(v));
	json_object_put(o);
}

static void notify_fill(const struct config *cfg, struct arena *a, HDF *hdf, const struct outbox_message *m,
			const struct eticket_booking *b, const struct notify_kind *kind)
{
	hdf_set_value(hdf, "Site.Name", cfg->site_name);
	hdf_set_value(hdf, "Site.URL", cfg->site_url);
	hdf_set_value(hdf, "Recipient.Address", m->recipient);
	hdf_set_value(hdf, "Booking.Code", b->booking_code);
	hdf_set_value(hdf, "Booking.Buyer", b->buyer_name && *b->buyer_name ? b->buyer_name : "there");
	hdf_set_value(hdf, "Booking.Total", format_money(a, b->total_cents, b->currency));
	if (b->late_payment)
		hdf_set_int_value(hdf, "Booking.Late", 1);
	const char *key = link_key(a, cfg->secret_key, "booking-tickets", b->booking_id);
	hdf_set_valuef(hdf, "Booking.TicketsURL=%s/bookings/%lld/tickets?key=%s", cfg->site_url,
		       b->booking_id, key);
	hdf_set_valuef(hdf, "Booking.PdfURL=%s/bookings/%lld/tickets.pdf?key=%s", cfg->site_url,
		       b->booking_id, key);
	eticket_fill_event(a, hdf, b);
	hdf_set_valuef(hdf, "Event.URL=%s/events/%lld", cfg->site_url, b->event_id);
	long long own = notify_own_ticket(kind, m);
	if (kind->tickets)
		notify_fill_tickets(cfg, a, hdf, b, own);
	const struct eticket *t = own ? notify_ticket(b, own) : NULL;
	hdf_set_value(hdf, "Recipient.Name", own ? (t && t->holder_name ? t->holder_name : "there")
					  : hdf_get_value(hdf, "Booking.Buyer", "there"));
	notify_fill_payload(a, hdf, m->payload, b->currency);
}

/* Plain text as the templates leave it, tidied: no blank lines at either end, no spaces at
 * line ends, runs of blank lines folded to one. */
static const char *notify_tidy(struct arena *a, const char *s)
{
	char *out = arena_alloc(a, strlen(s) + 1);
	size_t n = 0;
	int newlines = 0;
	while (*s == '\n' || *s == ' ' || *s == '\r')
		s++;
	for (; *s; s++) {
		if (*s == '\r')
			continue;
		if (*s == '\n') {
			while (n > 0 && out[n - 1] == ' ')
				n--;
			if (++newlines <= 2)
				out[n++] = '\n';
			continue;
		}
		newlines = 0;
		out[n++] = *s;
	}
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' '))
		n--;
	out[n] = '\0';
	return out;
}

/* One part of the message: the kind's file, then the part's own (subject.cs, text.cs, ...). */
static NEOERR *notify_render(const struct config *cfg, HDF *hdf, struct arena *a, const char *kind,
			     const char *part, enum template_escape escape, const char **out)
{
	const char *files[] = { arena_printf(a, "mail/%s.cs", kind), arena_printf(a, "mail/%s.cs", part) };
	STRING s;
	string_init(&s);
	NEOERR *err = template_render(hdf, cfg->template_dir, files, 2, escape, &s);
	if (err == STATUS_OK)
		*out = arena_strdup(a, s.buf ? s.buf : "");
	string_clear(&s);
	return nerr_pass_ctx(err, "rendering the %s of a %s message", part, kind);
}

/* The e-tickets' PDF and one inline QR image per ticket. */
static NEOERR *notify_attach_tickets(const struct config *cfg, struct arena *a, struct mail_message *mail,
				     const struct eticket_booking *b, long long only_ticket_id)
{
	const unsigned char *pdf;
	size_t pdf_len;
	NEOERR *err = eticket_pdf(cfg, a, b, only_ticket_id, &pdf, &pdf_len);
	if (err != STATUS_OK)
		return nerr_pass(err);
	struct mail_file *pdf_file = arena_zalloc(a, sizeof *pdf_file);
	*pdf_file = (struct mail_file){ arena_printf(a, "tickets-%s.pdf", b->booking_code),
					"application/pdf", pdf, pdf_len, NULL };
	mail->attachments = pdf_file;
	mail->nattachments = 1;
	struct mail_file *images = arena_zalloc(a, sizeof *images * (size_t)(b->ntickets + 1));
	int n = 0;
	for (int i = 0; i < b->ntickets; i++) {
		const struct eticket *t = &b->tickets[i];
		if (only_ticket_id && t->ticket_id != only_ticket_id)
			continue;
		struct qr q;
		const unsigned char *png;
		size_t png_len;
		err = qr_encode(a, t->code, &q);
		if (err == STATUS_OK)
			err = qr_png(a, &q, NOTIFY_QR_MODULE_PX, &png, &png_len);
		if (err != STATUS_OK)
			return nerr_pass(err);
		images[n++] = (struct mail_file){ arena_printf(a, "ticket-%lld.png", t->ticket_id), "image/png",
						  png, png_len, arena_printf(a, "qr-%lld@boxoffice", t->ticket_id) };
	}
	mail->inline_files = images;
	mail->ninline = n;
	return STATUS_OK;
}

/* The mail of any kind: its parts rendered, addressed to `to_name` <recipient>. `tag` makes
 * its Message-ID (a booking's code, or "account"); `b` (NULL for account mails) gives the
 * attachments. */
static NEOERR *notify_mail(const struct config *cfg, struct arena *a, HDF *hdf, const struct outbox_message *m,
			   const struct notify_kind *kind, const char *to_name, const char *tag,
			   const struct eticket_booking *b, struct mail_message *mail)
{
	const char *subject, *text, *html;
	NEOERR *err = notify_render(cfg, hdf, a, kind->name, "subject", TEMPLATE_TEXT, &subject);
	if (err == STATUS_OK)
		err = notify_render(cfg, hdf, a, kind->name, "text", TEMPLATE_TEXT, &text);
	if (err == STATUS_OK)
		err = notify_render(cfg, hdf, a, kind->name, "html", TEMPLATE_HTML, &html);
	if (err != STATUS_OK)
		return nerr_pass(err);
	const char *from_name, *from_addr;
	mail_split_address(a, cfg->notify_from, &from_name, &from_addr);
	*mail = (struct mail_message){
		.from_name = from_name,
		.from_addr = from_addr,
		.reply_to = *cfg->notify_reply_to ? cfg->notify_reply_to : NULL,
		.to_name = to_name,
		.to_addr = m->recipient,
		.subject = subject,
		/* The same for every try of this row, so a mail sent twice (a sender killed after
		 * the server took it, before we recorded that) is one mail to a reader that
		 * deduplicates. */
		.message_id = arena_printf(a, "<outbox-%lld.%s@%s>", m->outbox_id, tag,
					   notify_site_host(a, cfg->site_url)),
		.date_epoch = m->created_epoch,
		.text = notify_tidy(a, text),
		.html = html + strspn(html, " \n"),   /* the templates' own leading lines */
	};
	if (b && kind->tickets && b->ntickets > 0)
		err = notify_attach_tickets(cfg, a, mail, b, notify_own_ticket(kind, m));
	return nerr_pass(err);
}

/* The booking's mail: to the holder of its own ticket, or to the buyer. */
static NEOERR *notify_booking_mail(const struct config *cfg, struct arena *a, HDF *hdf,
				   const struct outbox_message *m, const struct eticket_booking *b,
				   const struct notify_kind *kind, struct mail_message *mail)
{
	long long own_id = notify_own_ticket(kind, m);
	const struct eticket *own = own_id ? notify_ticket(b, own_id) : NULL;
	const char *to_name = own && own->holder_name ? own->holder_name : b->buyer_name;
	return nerr_pass(notify_mail(cfg, a, hdf, m, kind, to_name, b->booking_code, b, mail));
}

/* An account's mail: its link made afresh from the token's row (nothing secret was stored),
 * or moot when the link was used, has lapsed or the account is gone. */
static NEOERR *notify_account_mail(const struct config *cfg, struct db *db, struct arena *a, HDF *hdf,
				   const struct outbox_message *m, const struct notify_kind *kind,
				   struct notify_composed *out)
{
	long long user_id = m->ref_id;
	if (kind->link) {
		struct account_token t;
		bool found;
		NEOERR *err = db_account_token_load(db, a, m->ref_id, false, &t, &found);
		if (err != STATUS_OK)
			return nerr_pass(err);
		if (!found || t.used || t.expired) {
			out->moot = "its link was used or has expired";
			return STATUS_OK;
		}
		user_id = t.user_id;
		const char *token = link_key_token(a, cfg->secret_key,
						   arena_printf(a, ACCOUNT_LINK_PREFIX "%s", kind->link), t.token_id);
		hdf_set_valuef(hdf, "Link.URL=%s%s%s", cfg->site_url, kind->link_path, token);
		hdf_set_int_value(hdf, "Link.Hours", cfg->verify_link_hours);
		hdf_set_int_value(hdf, "Link.Minutes", cfg->reset_link_minutes);
	}
	struct account acct;
	bool found;
	NEOERR *err = db_account_by_id(db, a, user_id, &acct, &found);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (!found) {
		out->moot = "its account no longer exists";
		return STATUS_OK;
	}
	hdf_set_value(hdf, "Site.Name", cfg->site_name);
	hdf_set_value(hdf, "Site.URL", cfg->site_url);
	hdf_set_value(hdf, "Recipient.Address", m->recipient);
	hdf_set_value(hdf, "Recipient.Name", acct.name && *acct.name ? acct.name : "there");
	hdf_set_valuef(hdf, "Link.SigninURL=%s/account/signin", cfg->site_url);
	hdf_set_valuef(hdf, "Link.ResetURL=%s/account/reset", cfg->site_url);
	return nerr_pass(notify_mail(cfg, a, hdf, m, kind, acct.name, "account", NULL, &out->mail));
}

static void notify_hdf_release(void *hdf)
{
	HDF *h = hdf;
	hdf_destroy(&h);
}

NEOERR *notify_compose(const struct config *cfg, struct db *db, struct arena *a,
		       const struct outbox_message *m, struct notify_composed *out)
{
	memset(out, 0, sizeof *out);
	const struct notify_kind *kind = notify_kind(m->kind);
	if (kind == NULL) {
		out->moot = arena_printf(a, "no templates for messages of kind '%s'", m->kind);
		return STATUS_OK;
	}
	HDF *hdf = NULL;
	NEOERR *err = hdf_init(&hdf);
	if (err != STATUS_OK)
		return nerr_pass(err);
	arena_on_destroy(a, notify_hdf_release, hdf);
	if (kind->account)
		return nerr_pass(notify_account_mail(cfg, db, a, hdf, m, kind, out));
	struct eticket_booking b;
	bool found;
	err = db_tickets_of_booking(db, a, m->booking_id, &b, &found);
	if (err != STATUS_OK)
		return nerr_pass(err);
	if (!found) {
		out->moot = "its booking no longer exists";
		return STATUS_OK;
	}
	if (notify_own_ticket(kind, m) && notify_ticket(&b, m->ticket_id) == NULL) {
		out->moot = "its ticket was not issued";
		return STATUS_OK;
	}
	if (!kind->single_ticket && m->ticket_id > 0 && !cfg->notify_attendee_mails) {
		out->moot = "ticket holders get no mails of their own (Notify.AttendeeMails = 0)";
		return STATUS_OK;
	}
	notify_fill(cfg, a, hdf, m, &b, kind);
	if (strcmp(m->channel, "sms") == 0) {
		const char *body;
		err = notify_render(cfg, hdf, a, kind->name, "sms", TEMPLATE_TEXT, &body);
		if (err != STATUS_OK)
			return nerr_pass(err);
		out->sms = true;
		out->sms_to = m->recipient;
		out->sms_body = mail_clean(a, body);
		if (*out->sms_body == '\0')
			out->moot = "no text message for this kind";
		return STATUS_OK;
	}
	return nerr_pass(notify_booking_mail(cfg, a, hdf, m, &b, kind, &out->mail));
}
