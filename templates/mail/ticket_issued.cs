<?cs # One attendee's own ticket, sent to the holder the buyer named. ?>
<?cs include:"mail/tickets.cs" ?>
<?cs def:subject() ?>Your ticket for <?cs var:Event.Name ?> (<?cs var:Event.Day ?>)<?cs /def ?>
<?cs def:text() ?>Hello <?cs var:Recipient.Name ?>,

<?cs var:Booking.Buyer ?> booked a ticket for you (booking <?cs var:Booking.Code ?>):

<?cs call:event_text() ?>
Your ticket, also attached as a PDF — show the QR code at the door:
<?cs call:tickets_text() ?>
<?cs /def ?>
<?cs def:html() ?>
<h1 style="font-size:24px;margin:0 0 8px;">You have a ticket</h1>
<p>Hello <?cs var:Recipient.Name ?>, <?cs var:Booking.Buyer ?> booked a ticket for you (booking <?cs var:Booking.Code ?>).</p>
<?cs call:event_html() ?>
<?cs call:tickets_html() ?>
<?cs /def ?>
<?cs def:sms() ?><?cs /def ?>
