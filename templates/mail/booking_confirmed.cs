<?cs # The confirmation with the e-tickets: the PDF is attached, each QR code inline. ?>
<?cs include:"mail/tickets.cs" ?>
<?cs def:subject() ?>Your tickets for <?cs var:Event.Name ?> (<?cs var:Event.Day ?>) — booking <?cs var:Booking.Code ?><?cs /def ?>
<?cs def:text() ?>Hello <?cs var:Booking.Buyer ?>,

your booking <?cs var:Booking.Code ?> is confirmed. You're going to:

<?cs call:event_text() ?>
<?cs if:Booking.Late ?>
Your payment arrived after your hold had run out, but your seats were still free: they are yours.
<?cs /if ?>
Your tickets (<?cs var:Booking.Count ?>), also attached as a PDF — show the QR code at the door:
<?cs call:tickets_text() ?>
Total paid: <?cs var:Booking.Total ?>

All your tickets: <?cs var:Booking.TicketsURL ?>
<?cs /def ?>
<?cs def:html() ?>
<h1 style="font-size:24px;margin:0 0 8px;">You're going!</h1>
<p>Hello <?cs var:Booking.Buyer ?>, your booking <strong><?cs var:Booking.Code ?></strong> is confirmed.</p>
<?cs call:event_html() ?>
<?cs if:Booking.Late ?><p style="background:#fff6d6;padding:8px;">Your payment arrived after your hold had run out, but your seats were still free: they are yours.</p><?cs /if ?>
<p>Show the QR code at the door, on your phone or printed (the PDF is attached).</p>
<?cs call:tickets_html() ?>
<p>Total paid: <strong><?cs var:Booking.Total ?></strong></p>
<p><a href="<?cs var:Booking.TicketsURL ?>">All your tickets</a> · <a href="<?cs var:Booking.PdfURL ?>">Download them as one PDF</a></p>
<?cs /def ?>
<?cs def:sms() ?><?cs var:Site.Name ?>: booking <?cs var:Booking.Code ?> confirmed — <?cs var:Event.Name ?>, <?cs var:Event.Day ?> <?cs var:Event.Time ?>. Tickets: <?cs var:Booking.TicketsURL ?><?cs /def ?>
