<?cs # Checkout: the held seats, the total, the time left, buyer details and payment.
       Checkout.Ended replaces the form when the hold can no longer be paid. ?>
<?cs def:page_body() ?>
<h1>Checkout</h1>
<section class="checkout-event">
  <h2><a href="/events/<?cs var:Event.Id ?>"><?cs var:Event.Name ?></a></h2>
  <p><time datetime="<?cs var:Event.Date ?>"><?cs var:Event.Day ?>, <?cs var:Event.Time ?></time> <span class="zone"><?cs var:Event.Zone ?></span> · <?cs var:Event.Venue ?>, <?cs var:Event.City ?></p>
</section>
<?cs if:Checkout.Ended ?>
<p class="form-error" role="alert"><?cs var:Checkout.Ended ?></p>
<p><a class="button" href="/events/<?cs var:Event.Id ?>">Choose seats again</a></p>
<?cs else ?>
<p class="hold-timer" role="status">Your seats are held for about <strong><?cs var:Booking.MinutesLeft ?> minute<?cs if:Booking.MinutesLeft != 1 ?>s<?cs /if ?></strong> (until <time datetime="<?cs var:Booking.ExpiresAt ?>"><?cs var:Booking.ExpiresAt ?></time>).</p>
<table class="held-seats">
  <caption>Your seats</caption>
  <thead><tr><th scope="col">Seat</th><th scope="col">Price</th></tr></thead>
  <tbody>
  <?cs each:t = Tickets ?><tr><td><?cs var:t.Label ?></td><td><?cs var:t.Price ?></td></tr><?cs /each ?>
  </tbody>
  <tfoot><tr><th scope="row">Total</th><td class="total"><?cs var:Booking.Total ?></td></tr></tfoot>
</table>
<p class="change-seats"><a href="/checkout/<?cs var:Booking.Id ?>/seats?token=<?cs escape:"url" ?><?cs var:Booking.Token ?><?cs /escape ?>">Change seats</a> — keep the seats you want, drop others, add new ones; the time left stays the same.</p>
<?cs if:Checkout.Error ?><p class="form-error" role="alert"><?cs var:Checkout.Error ?></p><?cs /if ?>
<form class="checkout-form" method="post" action="/checkout/<?cs var:Booking.Id ?>/pay">
  <input type="hidden" name="csrf_token" value="<?cs var:CSRF.Token ?>">
  <input type="hidden" name="token" value="<?cs var:Booking.Token ?>">
  <div class="field"><label for="c-name">Your name</label>
    <input id="c-name" name="name" autocomplete="name" maxlength="200" required value="<?cs var:Form.Name ?>"></div>
  <div class="field"><label for="c-email">Email for your tickets</label>
    <input id="c-email" name="email" type="email" autocomplete="email" maxlength="254" required value="<?cs var:Form.Email ?>"></div>
  <div class="field"><label for="c-phone">Mobile number for a text with your tickets <span class="muted">(optional, international form: +353 87 123 4567)</span></label>
    <input id="c-phone" name="phone" type="tel" autocomplete="tel" maxlength="40" value="<?cs var:Form.Phone ?>"></div>
  <details class="field holders"<?cs if:Form.Holder ?> open<?cs /if ?>><summary>Name the people going <span class="muted">(optional: their name goes on their ticket, and an email address gets them their own)</span></summary>
    <?cs each:t = Tickets ?>
    <fieldset class="holder"><legend><?cs var:t.Label ?></legend>
      <label for="h-name-<?cs var:t.Id ?>">Name</label>
      <input id="h-name-<?cs var:t.Id ?>" name="holder_name_<?cs var:t.Id ?>" maxlength="200" value="<?cs var:Form.Holder[t.Id].Name ?>">
      <label for="h-email-<?cs var:t.Id ?>">Email</label>
      <input id="h-email-<?cs var:t.Id ?>" name="holder_email_<?cs var:t.Id ?>" type="email" maxlength="254" value="<?cs var:Form.Holder[t.Id].Email ?>">
    </fieldset>
    <?cs /each ?>
  </details>
  <fieldset class="field"><legend>Payment</legend>
    <?cs each:m = Methods ?>
    <label><input type="radio" name="paymentMethod" value="<?cs var:m.Id ?>"<?cs if:m.Id == Form.PaymentMethod || (!Form.PaymentMethod && first(m)) ?> checked<?cs /if ?>> <?cs var:m.Label ?></label>
    <?cs /each ?>
  </fieldset>
  <button type="submit">Pay <?cs var:Booking.Total ?></button>
</form>
<form class="release-form" method="post" action="/checkout/<?cs var:Booking.Id ?>/release">
  <input type="hidden" name="csrf_token" value="<?cs var:CSRF.Token ?>">
  <input type="hidden" name="token" value="<?cs var:Booking.Token ?>">
  <button type="submit" class="secondary">Release these seats</button>
  <a href="/events/<?cs var:Event.Id ?>">Back to the seat map</a>
</form>
<?cs /if ?>
<?cs /def ?>
