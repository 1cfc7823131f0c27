using Orders;

var builder = WebApplication.CreateBuilder(args);

// TestApp:Role=billing makes this the downstream "billing" service, for tests that use a second factory as the fake.
var billing = builder.Configuration["TestApp:Role"] == "billing";
builder.Services.AddMicro(o => o.Name = billing ? "billing" : "orders");
builder.Services.AddSingleton<Shipments>();
builder.Services.AddMicroSubscriber<Shipment, ShipmentSubscriber>("orders.shipped");

var app = builder.Build();
if (billing)
{
    app.MapMicroHandler("Billing.Charge", (ChargeRequest request) => new ChargeReply($"real-{request.Cents}"));
}
else
{
    app.MapMicroHandlers<Orders.Orders>();
}

app.Run();
