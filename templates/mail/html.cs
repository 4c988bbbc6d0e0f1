<?cs # The HTML part: the kind's html() macro in a plain, table-free layout with inline
       styles (mail readers drop style sheets). Every var: is HTML-escaped. ?><!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title><?cs call:subject() ?></title></head>
<body style="margin:0;padding:0;background:#f4f4f6;font-family:Helvetica,Arial,sans-serif;color:#1d1d24;">
<div style="max-width:600px;margin:0 auto;padding:24px;background:#ffffff;">
<p style="font-size:14px;color:#5a5a66;margin:0 0 16px;"><?cs var:Site.Name ?></p>
<?cs call:html() ?>
<hr style="border:0;border-top:1px solid #ddd;margin:24px 0;">
<p style="font-size:12px;color:#5a5a66;">This message was sent to <?cs var:Recipient.Address ?> <?cs if:Booking.Code ?>about booking <?cs var:Booking.Code ?><?cs else ?>about your account<?cs /if ?> at <a href="<?cs var:Site.URL ?>/"><?cs var:Site.Name ?></a>.</p>
</div>
</body>
</html>
