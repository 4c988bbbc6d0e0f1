<?cs # A payment that did not go through; the hold was released. ?>
<?cs include:"mail/tickets.cs" ?>
<?cs def:subject() ?>Your payment for <?cs var:Event.Name ?> did not go through<?cs /def ?>
<?cs def:text() ?>Hello <?cs var:Booking.Buyer ?>,

the payment for your booking <?cs var:Booking.Code ?> did not go through, so nothing was charged and the seats you held went back on sale:

<?cs call:event_text() ?>
If you still want to go, you can choose seats again: <?cs var:Event.URL ?>
<?cs /def ?>
<?cs def:html() ?>
<h1 style="font-size:24px;margin:0 0 8px;">Your payment did not go through</h1>
<p>Hello <?cs var:Booking.Buyer ?>, the payment for your booking <?cs var:Booking.Code ?> did not go through, so nothing was charged and the seats you held went back on sale.</p>
<?cs call:event_html() ?>
<p><a href="<?cs var:Event.URL ?>">Choose seats again</a></p>
<?cs /def ?>
<?cs def:sms() ?><?cs /def ?>
