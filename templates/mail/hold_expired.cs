<?cs # A hold that ran out unpaid: the seats went back on sale. ?>
<?cs include:"mail/tickets.cs" ?>
<?cs def:subject() ?>Your seats for <?cs var:Event.Name ?> were released<?cs /def ?>
<?cs def:text() ?>Hello <?cs var:Booking.Buyer ?>,

your hold on seats for the event below (booking <?cs var:Booking.Code ?>) ran out before it was paid, so the seats went back on sale. Nothing was charged; if a payment of yours arrives after all, you will get either your tickets or a full refund.

<?cs call:event_text() ?>
You can choose seats again: <?cs var:Event.URL ?>
<?cs /def ?>
<?cs def:html() ?>
<h1 style="font-size:24px;margin:0 0 8px;">Your seats were released</h1>
<p>Hello <?cs var:Booking.Buyer ?>, your hold on seats (booking <?cs var:Booking.Code ?>) ran out before it was paid, so the seats went back on sale. Nothing was charged; if a payment of yours arrives after all, you will get either your tickets or a full refund.</p>
<?cs call:event_html() ?>
<p><a href="<?cs var:Event.URL ?>">Choose seats again</a></p>
<?cs /def ?>
<?cs def:sms() ?><?cs /def ?>
