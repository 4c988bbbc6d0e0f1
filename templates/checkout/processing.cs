<?cs # A payment the gateway has not finished with (a bank payment, a capture on its way), or
       one we could not check just now. The layout's Page.Refresh reloads the return page. ?>
<?cs def:page_body() ?>
<h1>Your payment is being processed</h1>
<section class="checkout-event">
  <h2><a href="/events/<?cs var:Event.Id ?>"><?cs var:Event.Name ?></a></h2>
  <p><time datetime="<?cs var:Event.Date ?>"><?cs var:Event.Day ?>, <?cs var:Event.Time ?></time> <span class="zone"><?cs var:Event.Zone ?></span> · <?cs var:Event.Venue ?>, <?cs var:Event.City ?></p>
</section>
<p class="hold-timer" role="status">Booking <strong><?cs var:Booking.Code ?></strong>, <?cs var:Booking.Total ?>.
<?cs if:Processing.Note ?><?cs var:Processing.Note ?><?cs else ?>The payment service has not confirmed your payment yet. This page checks again every few seconds; your seats stay held meanwhile.<?cs /if ?></p>
<p><a href="/checkout/<?cs var:Booking.Id ?>/return?token=<?cs escape:"url" ?><?cs var:Booking.Token ?><?cs /escape ?>">Check again now</a></p>
<?cs /def ?>
