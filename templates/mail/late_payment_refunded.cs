<?cs # A payment that arrived after the hold ran out and its seats were sold to someone else:
       refunded in full. ?>
<?cs include:"mail/tickets.cs" ?>
<?cs def:subject() ?>Your payment came too late — refunded in full<?cs /def ?>
<?cs def:text() ?>Hello <?cs var:Booking.Buyer ?>,

your payment for booking <?cs var:Booking.Code ?> arrived after your hold had run out, and by then some of its seats had been sold to someone else. We have refunded the full <?cs var:Refund.Amount ?> to the way you paid.

<?cs call:event_text() ?>
If seats are still available you can book again: <?cs var:Event.URL ?>
<?cs /def ?>
<?cs def:html() ?>
<h1 style="font-size:24px;margin:0 0 8px;">Your payment came too late</h1>
<p>Hello <?cs var:Booking.Buyer ?>, your payment for booking <?cs var:Booking.Code ?> arrived after your hold had run out, and by then some of its seats had been sold to someone else. We have refunded the full <strong><?cs var:Refund.Amount ?></strong> to the way you paid.</p>
<?cs call:event_html() ?>
<p><a href="<?cs var:Event.URL ?>">See what is still available</a></p>
<?cs /def ?>
<?cs def:sms() ?><?cs /def ?>
